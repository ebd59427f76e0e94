using Imaging.Edge.Dicom.Network;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// Uploads give way to the receiver: while DICOM associations are open, no upload slot starts a new upload for up to
/// <see cref="Grace"/> (a CT study of a thousand instances arrives in seconds, and an upload beside it costs the
/// acknowledgements CPU and, to a file store on the same disk, syncs); after that only the first slot uploads, so
/// that uploads never stop under a receiver that is never idle and take one core at most from it. Every slot
/// resumes the moment no association is open, or once uploads have fallen behind (<see cref="UploadBacklog"/>: the
/// soak's four senders that never paused filled the disk to the reserve in ten minutes with one slot running).
/// </summary>
internal sealed class ReceiverFirst(Func<int> activeAssociations, Func<bool> uploadsBehind, TimeProvider clock)
{
    /// <summary>How long uploads wait for open associations before the first slot goes on regardless.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private DateTimeOffset? _busySince;

    public ReceiverFirst(DicomServer receiver, UploadBacklog backlog, TimeProvider clock) : this(() => receiver.ActiveAssociations, backlog.IsBehind, clock)
    {
    }

    /// <summary>Whether <paramref name="slot"/> waits instead of leasing the next instance.</summary>
    public bool Waits(int slot)
    {
        var now = clock.GetUtcNow();
        bool givesWay;
        lock (_lock)
        {
            if (activeAssociations() == 0)
            {
                _busySince = null;
                return false;
            }
            _busySince ??= now;
            givesWay = slot > 0 || now - _busySince.Value < Grace;
        }
        // outside the lock: the backlog may read the queue, and the other slots need not wait for that
        return givesWay && !uploadsBehind();
    }
}
