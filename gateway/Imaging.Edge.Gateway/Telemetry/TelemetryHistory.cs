using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Health;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>
/// The last hour of the gateway in one-minute points, published retained on <c>{prefix}/history</c> so that a dashboard
/// opened now draws trends at once instead of a blank hour (docs/telemetry.md, "history"). Fed with the status the
/// publisher reads anyway every 2 s while connected: no query of its own. Counts, rates and percentages only — no
/// patient data. Kept in memory: a restart starts a new hour, and minutes without a broker connection have no point.
/// Not thread-safe: the publisher's loop is its only caller.
/// </summary>
internal sealed class TelemetryHistory
{
    /// <summary>Points kept: one hour.</summary>
    public const int Capacity = 60;

    private readonly Queue<Point> _closed = new();
    private Point? _current;
    private long _movedAtStart;

    /// <summary>
    /// Adds a reading to the minute it falls in. True when an earlier minute closed with it (time to publish); a reading
    /// older than the current minute (clock stepped back) starts a new minute rather than rewrite a closed one.
    /// </summary>
    public bool Observe(DateTimeOffset now, GatewayStatus status)
    {
        var minute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        // uploaded instances leave "uploaded" when retention evicts their copy: count both, so eviction is no drop in rate
        var moved = status.Queue.Uploaded + status.Queue.Evicted;
        var closed = false;
        if (_current is null || _current.Minute != minute)
        {
            if (_current is not null)
            {
                _closed.Enqueue(_current);
                while (_closed.Count > Capacity - 1) _closed.Dequeue();
                closed = true;
                _movedAtStart = _current.MovedAtEnd;
            }
            else
            {
                _movedAtStart = moved;
            }
            _current = new Point(minute);
        }
        _current.Add(status, moved, _movedAtStart);
        return closed;
    }

    /// <summary>Whether any reading was observed yet (nothing to publish before).</summary>
    public bool HasPoints => _current is not null;

    /// <summary>
    /// The payload: the closed minutes oldest first, then the current one (still filling), and what the dashboard needs
    /// to decide whether to offer destructive commands (whether they are on, and the operator names whose keys count).
    /// </summary>
    public byte[] Payload(DateTimeOffset ts, long seq, bool allowDestructive, IEnumerable<string> operators)
    {
        var points = new JsonArray();
        foreach (var point in _closed) points.Add(point.ToJson());
        if (_current is not null) points.Add(_current.ToJson());
        return StatusJson.Payload(ts, seq, new JsonObject
        {
            ["intervalSeconds"] = 60,
            ["points"] = points,
            ["commands"] = new JsonObject
            {
                ["allowDestructive"] = allowDestructive,
                ["operators"] = new JsonArray(operators.Select(name => (JsonNode?)JsonValue.Create(name)).ToArray()),
            },
        });
    }

    /// <summary>One minute: the backlog and disk as last read, the upload rate averaged, instances uploaded in it, failed at most.</summary>
    private sealed class Point(DateTimeOffset minute)
    {
        public DateTimeOffset Minute { get; } = minute;
        public long MovedAtEnd { get; private set; }
        private long _pending;
        private long _bytesPending;
        private long? _oldest;
        private long _uploaded;
        private double _rateSum;
        private int _readings;
        private double _diskUsedPercent;
        private long _failed;

        public void Add(GatewayStatus status, long moved, long movedAtStart)
        {
            _pending = status.Queue.Pending;
            _bytesPending = status.Queue.BytesPending;
            _oldest = status.Queue.OldestPendingAgeSeconds;
            MovedAtEnd = moved;
            _uploaded = Math.Max(0, moved - movedAtStart); // an erasure removes uploaded rows: never a negative rate
            _rateSum += status.Upload.BytesPerSecond;
            _readings++;
            _diskUsedPercent = status.Disk.UsedPercent;
            _failed = Math.Max(_failed, status.Queue.Failed);
        }

        public JsonObject ToJson() => new()
        {
            ["ts"] = StatusJson.Timestamp(Minute),
            ["pending"] = _pending,
            ["bytesPending"] = _bytesPending,
            ["oldestPendingAgeSeconds"] = _oldest,
            ["uploaded"] = _uploaded,
            ["bytesPerSecond"] = (long)Math.Round(_rateSum / Math.Max(1, _readings)),
            ["diskUsedPercent"] = Math.Round(_diskUsedPercent, 1),
            ["failed"] = _failed,
        };
    }
}
