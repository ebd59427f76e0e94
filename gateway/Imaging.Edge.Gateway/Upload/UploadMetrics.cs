using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>What the upload worker reports for status and telemetry: throughput, last success, the endpoint in use.</summary>
internal sealed class UploadMetrics(TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Lock _lock = new();
    private readonly Queue<(long Timestamp, long Bytes)> _recent = new();

    public DateTimeOffset? LastSuccess { get; private set; }
    public string? LastEndpoint { get; private set; }
    public long InstancesUploaded { get; private set; }
    public long BytesUploaded { get; private set; }

    public void Uploaded(long bytes, string endpoint)
    {
        lock (_lock)
        {
            _recent.Enqueue((clock.GetTimestamp(), bytes));
            LastSuccess = clock.GetUtcNow();
            LastEndpoint = endpoint;
            InstancesUploaded++;
            BytesUploaded += bytes;
        }
    }

    /// <summary>Bytes per second over the last 10 seconds.</summary>
    public double BytesPerSecond()
    {
        lock (_lock)
        {
            var now = clock.GetTimestamp();
            while (_recent.Count > 0 && clock.GetElapsedTime(_recent.Peek().Timestamp, now) > Window) _recent.Dequeue();
            return _recent.Sum(r => r.Bytes) / Window.TotalSeconds;
        }
    }

    /// <summary>Queue depth and the oldest pending instance's age, from the queue.</summary>
    public static (long Depth, TimeSpan? OldestPendingAge) Backlog(QueueQueries queue, TimeProvider clock)
    {
        var stats = queue.Stats();
        return (stats.Pending + stats.Uploading, stats.OldestPending is { } oldest ? clock.GetUtcNow() - oldest : null);
    }
}
