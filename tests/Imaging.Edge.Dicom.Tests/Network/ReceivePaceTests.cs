using Imaging.Edge.Dicom.Network;

namespace Imaging.Edge.Dicom.Tests.Network;

public sealed class ReceivePaceTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(120);

    [Fact]
    public void Between_messages_the_peer_may_be_silent_for_the_whole_idle_timeout()
    {
        var pace = new ReceivePace(1024, Idle);

        pace.Received(TimeSpan.FromSeconds(100), 10);
        pace.AtMessageBoundary();

        Assert.Equal(Idle, pace.NextReadLimit);
    }

    [Fact]
    public void A_trickle_below_the_rate_runs_out_after_about_the_idle_timeout_however_it_spreads_its_bytes()
    {
        var pace = new ReceivePace(1024, Idle);
        var elapsed = TimeSpan.Zero;

        // One byte a minute: each read waits as long as it may or until the byte comes, whichever is first.
        while (pace.NextReadLimit > TimeSpan.Zero && elapsed < TimeSpan.FromHours(1))
        {
            var wait = pace.NextReadLimit < TimeSpan.FromMinutes(1) ? pace.NextReadLimit : TimeSpan.FromMinutes(1);
            elapsed += wait;
            pace.Received(wait, wait == TimeSpan.FromMinutes(1) ? 1 : 0);
        }

        Assert.InRange(elapsed.TotalSeconds, 119, 121);
    }

    [Fact]
    public void A_peer_at_the_rate_never_runs_out_and_a_burst_buys_no_more_than_the_idle_timeout()
    {
        var pace = new ReceivePace(1024, Idle);
        for (var i = 0; i < 10_000; i++) pace.Received(TimeSpan.FromSeconds(1), 1024);
        Assert.Equal(Idle, pace.NextReadLimit);

        pace.Received(TimeSpan.Zero, 1L << 30); // a gigabyte at once

        Assert.Equal(Idle, pace.NextReadLimit);
    }
}
