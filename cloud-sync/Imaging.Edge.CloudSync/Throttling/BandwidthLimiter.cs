namespace Imaging.Edge.CloudSync.Throttling;

/// <summary>
/// One token bucket shared by every upload, so that all of them together stay under the rate of the current
/// schedule window. A caller takes its bytes at once (the bucket may go into debt) and waits until the debt is
/// repaid, which keeps the average exact and shares the rate fairly between concurrent uploads.
/// The schedule can be replaced at any time (<see cref="Update"/>), without restart.
/// </summary>
public sealed class BandwidthLimiter
{
    /// <summary>The bucket holds at most this much time's worth of tokens: small bursts, no long-term overshoot.</summary>
    private static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private BandwidthSchedule _schedule;
    private double _tokens;
    private long _lastRefill;

    public BandwidthLimiter(BandwidthSchedule schedule, TimeProvider clock)
    {
        _schedule = schedule;
        _clock = clock;
        _lastRefill = clock.GetTimestamp();
    }

    public BandwidthSchedule Schedule => Volatile.Read(ref _schedule);

    public void Update(BandwidthSchedule schedule) => Volatile.Write(ref _schedule, schedule);

    /// <summary>The rate in force now, in bytes per second, or null when unlimited.</summary>
    public double? CurrentRate => Schedule.BytesPerSecondAt(TimeOnly.FromDateTime(_clock.GetLocalNow().DateTime));

    /// <summary>Waits until <paramref name="bytes"/> may be sent.</summary>
    public ValueTask AcquireAsync(int bytes, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var now = _clock.GetTimestamp();
            var rate = CurrentRate;
            if (rate is null)
            {
                _tokens = 0;
                _lastRefill = now;
                return ValueTask.CompletedTask;
            }
            var elapsed = _clock.GetElapsedTime(_lastRefill, now).TotalSeconds;
            _lastRefill = now;
            _tokens = Math.Min(_tokens + elapsed * rate.Value, rate.Value * Burst.TotalSeconds);
            _tokens -= bytes;
            if (_tokens >= 0) return ValueTask.CompletedTask;
            wait = TimeSpan.FromSeconds(-_tokens / rate.Value);
        }
        return new ValueTask(Task.Delay(wait, _clock, cancellationToken));
    }

    /// <summary>Wraps a stream so that reading from it is paced by this limiter (the HTTP client reads the body to send it).</summary>
    public Stream Throttle(Stream inner) => new ThrottledStream(inner, this);
}
