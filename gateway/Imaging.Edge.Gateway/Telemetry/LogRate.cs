namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>
/// How many log lines may go to the broker: a token bucket of <c>burst</c> lines refilled at <c>perSecond</c>, so
/// that a gateway in trouble cannot flood the fleet's broker with its own log.
/// </summary>
internal sealed class LogRate
{
    private readonly double _perSecond;
    private readonly double _burst;
    private double _tokens;
    private DateTimeOffset _last;

    public LogRate(double perSecond, double burst, DateTimeOffset start)
    {
        _perSecond = perSecond;
        _burst = burst;
        _tokens = burst;
        _last = start;
    }

    /// <summary>True if one more line may go now (and takes its token).</summary>
    public bool TryTake(DateTimeOffset now)
    {
        if (now > _last)
        {
            _tokens = Math.Min(_burst, _tokens + (now - _last).TotalSeconds * _perSecond);
            _last = now;
        }
        if (_tokens < 1) return false;
        _tokens--;
        return true;
    }
}
