namespace Imaging.Edge.Gateway.Health;

/// <summary>Counts what telemetry had to leave out since start-up: events past the outbox bound, log lines past the rate.</summary>
internal sealed class TelemetryDrops
{
    private long _events;
    private long _logs;

    public void EventsDropped(long count) => Interlocked.Add(ref _events, count);

    public void LogsDropped(long count) => Interlocked.Add(ref _logs, count);

    public TelemetryCounters Snapshot() => new(Interlocked.Read(ref _events), Interlocked.Read(ref _logs));
}
