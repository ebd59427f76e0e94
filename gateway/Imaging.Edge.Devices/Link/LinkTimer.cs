namespace Imaging.Edge.Devices.Link;

/// <summary>
/// One restartable timeout of a link state machine, on a <see cref="TimeProvider"/> (a fake clock in tests). The
/// expiry runs under the machine's lock and only if the current arming is really due: a real timer fires on a pool
/// thread and may have raced with <see cref="Arm"/> or <see cref="Disarm"/>; such a late callback does nothing.
/// </summary>
internal sealed class LinkTimer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly object _gate;
    private readonly Action _expired;
    private readonly ITimer _timer;
    private DateTimeOffset _due;
    private bool _armed;

    public LinkTimer(TimeProvider time, object gate, Action expired)
    {
        _time = time;
        _gate = gate;
        _expired = expired;
        _timer = time.CreateTimer(static state => ((LinkTimer)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts (or restarts) the timeout. Call with the machine's lock held.</summary>
    public void Arm(TimeSpan after)
    {
        _armed = true;
        _due = _time.GetUtcNow() + after;
        _timer.Change(after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the timeout. Call with the machine's lock held.</summary>
    public void Disarm()
    {
        _armed = false;
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        lock (_gate)
        {
            if (!_armed || _time.GetUtcNow() < _due)
                return;
            _armed = false;
            _expired();
        }
    }

    public void Dispose() => _timer.Dispose();
}
