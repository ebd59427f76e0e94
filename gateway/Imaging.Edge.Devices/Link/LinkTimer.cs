namespace Imaging.Edge.Devices.Link;

/// <summary>
/// One restartable timeout of a link state machine, on a <see cref="TimeProvider"/> (a fake clock in tests). Each
/// arming gets its own timer, and the expiry runs under the machine's lock only if that arming is still the current
/// one: a real timer fires on a pool thread and may have raced with <see cref="Arm"/> or <see cref="Disarm"/>; such a
/// stale callback does nothing. (Comparing clock readings instead would drop an expiry that fired a tick early.)
/// </summary>
internal sealed class LinkTimer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly object _gate;
    private readonly Action _expired;
    private ITimer? _current;

    public LinkTimer(TimeProvider time, object gate, Action expired)
    {
        _time = time;
        _gate = gate;
        _expired = expired;
    }

    /// <summary>Starts (or restarts) the timeout. Call with the machine's lock held.</summary>
    public void Arm(TimeSpan after)
    {
        Disarm();
        var arming = new Arming(this);
        _current = arming.Timer = _time.CreateTimer(static state => ((Arming)state!).Fire(), arming, after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the timeout. Call with the machine's lock held.</summary>
    public void Disarm()
    {
        _current?.Dispose();
        _current = null;
    }

    public void Dispose()
    {
        lock (_gate)
            Disarm();
    }

    private sealed class Arming(LinkTimer owner)
    {
        public ITimer? Timer { get; set; }

        public void Fire()
        {
            lock (owner._gate)
            {
                if (Timer is null || !ReferenceEquals(owner._current, Timer))
                    return;
                owner.Disarm();
                owner._expired();
            }
        }
    }
}
