using Imaging.Edge.Gateway.Telemetry;

namespace Imaging.Edge.Gateway.Tests.Telemetry;

public sealed class LogRateTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_burst_passes_then_lines_flow_at_the_rate()
    {
        var rate = new LogRate(perSecond: 5, burst: 20, Start);

        var burst = Enumerable.Range(0, 50).Count(_ => rate.TryTake(Start));
        var afterOneSecond = Enumerable.Range(0, 50).Count(_ => rate.TryTake(Start.AddSeconds(1)));
        var afterAnHour = Enumerable.Range(0, 50).Count(_ => rate.TryTake(Start.AddHours(1)));

        Assert.Equal(20, burst);
        Assert.Equal(5, afterOneSecond);
        Assert.Equal(20, afterAnHour); // the bucket never holds more than the burst
    }

    [Fact]
    public void A_clock_going_backwards_grants_nothing_extra()
    {
        var rate = new LogRate(perSecond: 5, burst: 2, Start);
        Assert.True(rate.TryTake(Start));
        Assert.True(rate.TryTake(Start));

        Assert.False(rate.TryTake(Start.AddSeconds(-30)));
        Assert.True(rate.TryTake(Start.AddSeconds(0.2)));
    }
}
