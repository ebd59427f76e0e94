using System.Collections.Concurrent;
using System.Globalization;

namespace Imaging.Edge.Gateway.Hosting.Watchdog;

/// <summary>
/// Where the gateway's loops say they are alive, and where the watchdog asks (docs/service.md, "Watchdog"). Two kinds
/// of component:
/// <list type="bullet">
/// <item>a loop holding a <see cref="Heartbeat"/>: it marks each unit of work (<see cref="Heartbeat.Working"/>); between
/// units it waits, and waiting is idleness, not a fault. Wedged: one unit of work has run longer than its limit;</item>
/// <item>a check the watchdog calls (<see cref="AddCheck"/>) for a component that already keeps its own state (the
/// upload slots, the DICOM accept loop): it answers why the component is wedged, or null.</item>
/// </list>
/// Thread-safe. TEST ONLY: <c>IMAGING_EDGE_TEST_WEDGE</c> names a component whose next unit of work, once
/// <see cref="Arm"/> was called (the service is ready), never ends — a real wedge, seen the real way.
/// </summary>
internal sealed class Heartbeats(TimeProvider clock, string? testWedge = null)
{
    private readonly ConcurrentDictionary<string, Func<string?>> _checks = new(StringComparer.Ordinal);
    private volatile bool _armed;

    /// <summary>A loop's heartbeat; <paramref name="limit"/> is the longest one unit of its work may take.</summary>
    public Heartbeat Add(string component, TimeSpan limit)
    {
        var heartbeat = new Heartbeat(component, limit, clock, this);
        _checks[component] = heartbeat.Verdict;
        return heartbeat;
    }

    /// <summary>A component the watchdog asks: <paramref name="wedged"/> returns why it is wedged, or null when it is alive.</summary>
    public void AddCheck(string component, Func<string?> wedged) => _checks[component] = wedged;

    /// <summary>Every wedged component with the reason, by name; empty when all are alive.</summary>
    public IReadOnlyList<(string Component, string Reason)> Wedged() =>
        _checks.Select(c => (Component: c.Key, Reason: c.Value()))
            .Where(c => c.Reason is not null)
            .Select(c => (c.Component, c.Reason!))
            .OrderBy(c => c.Component, StringComparer.Ordinal)
            .ToList();

    /// <summary>The service is ready: from now on the test-only wedge (if any) takes effect.</summary>
    public void Arm() => _armed = true;

    /// <summary>TEST ONLY: blocks the calling thread for good when the test switch names this component.</summary>
    internal void WedgeIfAsked(string component)
    {
        if (_armed && string.Equals(testWedge, component, StringComparison.Ordinal))
            Thread.Sleep(Timeout.Infinite);
    }

    internal static string Seconds(TimeSpan span) => ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s";
}

/// <summary>One loop's heartbeat. A loop works in one unit at a time: the heartbeat is not meant to be shared by two loops.</summary>
internal sealed class Heartbeat
{
    private readonly string _component;
    private readonly TimeSpan _limit;
    private readonly TimeProvider _clock;
    private readonly Heartbeats _registry;
    private long _busySince; // UTC ticks while a unit of work runs; 0 while the loop waits

    internal Heartbeat(string component, TimeSpan limit, TimeProvider clock, Heartbeats registry)
    {
        _component = component;
        _limit = limit;
        _clock = clock;
        _registry = registry;
    }

    /// <summary>A unit of work begins; it ends when the scope is disposed (<c>using (heartbeat.Working()) Sweep();</c>).</summary>
    public Scope Working()
    {
        Volatile.Write(ref _busySince, _clock.GetUtcNow().UtcTicks);
        _registry.WedgeIfAsked(_component);
        return new Scope(this);
    }

    internal string? Verdict()
    {
        var since = Volatile.Read(ref _busySince);
        if (since == 0) return null;
        var busy = _clock.GetUtcNow() - new DateTimeOffset(since, TimeSpan.Zero);
        return busy > _limit ? $"busy for {Heartbeats.Seconds(busy)}, longer than {Heartbeats.Seconds(_limit)}" : null;
    }

    public readonly struct Scope(Heartbeat heartbeat) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref heartbeat._busySince, 0);
    }
}
