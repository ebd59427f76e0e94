namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// Whether uploads have fallen behind the receiver: the oldest instance waiting for upload arrived more than
/// <see cref="MaxAge"/> ago, or the instances waiting hold more bytes than the disk has left above the reserve (at
/// that pace the disk reaches the reserve, and the gateway refuses new studies, before the backlog drains). Then
/// uploads stop giving way to open associations (<see cref="ReceiverFirst"/>): a slower acknowledgement is better
/// than a refused study. Reads the queue at most once per <see cref="CheckEvery"/>.
/// </summary>
internal sealed class UploadBacklog(Func<(long Bytes, DateTimeOffset? Oldest)> waiting, Func<long> headroom, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;
    private bool _behind;

    public bool IsBehind()
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (now - _checkedAt < CheckEvery) return _behind;
            _checkedAt = now;
            var (bytes, oldest) = waiting();
            _behind = (oldest is { } first && now - first > MaxAge) || (bytes > 0 && bytes > headroom());
            return _behind;
        }
    }
}
