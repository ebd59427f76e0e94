using Imaging.Edge.Gateway.Hosting.Watchdog;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Gateway.Tests.Hosting;

/// <summary>The watchdog's verdicts: waiting is idleness, one unit of work longer than its limit is a wedge.</summary>
public sealed class HeartbeatsTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_loop_that_waits_is_alive_however_long_it_waits()
    {
        var heartbeats = new Heartbeats(_clock);
        var beat = heartbeats.Add("disk monitor", TimeSpan.FromSeconds(30));
        using (beat.Working()) _clock.Advance(TimeSpan.FromSeconds(1));

        _clock.Advance(TimeSpan.FromHours(5));

        Assert.Empty(heartbeats.Wedged());
    }

    [Fact]
    public void Work_longer_than_its_limit_is_a_wedge_named_by_component_and_ends_when_the_work_does()
    {
        var heartbeats = new Heartbeats(_clock);
        var beat = heartbeats.Add("disk monitor", TimeSpan.FromSeconds(30));
        heartbeats.Add("retention sweep", TimeSpan.FromMinutes(30));
        var work = beat.Working();

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(heartbeats.Wedged());
        _clock.Advance(TimeSpan.FromSeconds(1));
        var wedged = Assert.Single(heartbeats.Wedged());
        Assert.Equal("disk monitor", wedged.Component);
        Assert.Contains("31 s", wedged.Reason, StringComparison.Ordinal);

        work.Dispose();
        Assert.Empty(heartbeats.Wedged());
    }

    [Fact]
    public void A_check_answers_for_a_component_that_keeps_its_own_state()
    {
        var heartbeats = new Heartbeats(_clock);
        string? reason = null;
        heartbeats.AddCheck("upload slots", () => reason);
        Assert.Empty(heartbeats.Wedged());

        reason = "upload slot 0 stopped";
        Assert.Equal(("upload slots", "upload slot 0 stopped"), Assert.Single(heartbeats.Wedged()));
    }

    [Fact]
    public void The_test_wedge_waits_until_the_service_is_ready()
    {
        var heartbeats = new Heartbeats(_clock, testWedge: "disk monitor");
        var beat = heartbeats.Add("disk monitor", TimeSpan.FromSeconds(30));

        using (beat.Working()) { } // returns: not armed yet (start-up must reach READY=1)

        Assert.Empty(heartbeats.Wedged());
    }
}
