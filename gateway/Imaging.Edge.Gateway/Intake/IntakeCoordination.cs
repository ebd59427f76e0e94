using Imaging.Edge.CloudSync.Stores;
using System.Collections.Concurrent;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// What concurrent associations must agree on: one instance is completed at a time per SOP Instance UID (so two
/// identical re-sends arriving together are queued once), and a study folder is known durable only after this
/// process has fsynced the folder that holds it (a folder left by a killed run may never have been synced).
/// </summary>
internal sealed class IntakeCoordination
{
    private const int Stripes = 64;
    private readonly SemaphoreSlim[] _instanceLocks = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly ConcurrentDictionary<string, byte> _durableStudyFolders = new(StringComparer.Ordinal);

    /// <summary>Serialises completion of instances with the same UID (striped: unrelated UIDs rarely wait for each other).</summary>
    public async ValueTask<Releaser> LockInstanceAsync(string sopInstanceUid, CancellationToken cancellationToken)
    {
        var stripe = _instanceLocks[(uint)StringComparer.Ordinal.GetHashCode(sopInstanceUid) % Stripes];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(stripe);
    }

    /// <summary>
    /// Creates the study folder if needed and makes its entry in <paramref name="parent"/> durable, once per process —
    /// or again when <paramref name="gone"/>: retention removes study folders it has emptied, and the move into a
    /// vanished folder says so (no extra check on the C-STORE path for the rare case).
    /// </summary>
    public void EnsureDurableFolder(string folder, string parent, bool gone = false)
    {
        if (!gone && _durableStudyFolders.ContainsKey(folder)) return;
        Directory.CreateDirectory(folder);
        DirectorySync.Sync(parent);
        _durableStudyFolders.TryAdd(folder, 0);
    }

    public readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
