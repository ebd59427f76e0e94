using Imaging.Edge.Devices.Link;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.Link;

public sealed class LinkTimerTests
{
    [Fact]
    public void Rearming_replaces_the_pending_expiry()
    {
        var time = new FakeTimeProvider();
        var gate = new object();
        var fired = 0;
        using var timer = new LinkTimer(time, gate, () => fired++);

        lock (gate)
            timer.Arm(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(9));
        lock (gate)
            timer.Arm(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, fired);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, fired);
    }

    [Fact]
    public void Disarmed_timer_does_not_fire()
    {
        var time = new FakeTimeProvider();
        var gate = new object();
        var fired = 0;
        using var timer = new LinkTimer(time, gate, () => fired++);

        lock (gate)
        {
            timer.Arm(TimeSpan.FromSeconds(1));
            timer.Disarm();
        }
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, fired);
    }

    [Fact]
    public async Task Fires_on_the_real_clock_under_the_machines_lock()
    {
        var gate = new object();
        var fired = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = new LinkTimer(TimeProvider.System, gate, () => fired.TrySetResult(Monitor.IsEntered(gate)));

        lock (gate)
            timer.Arm(TimeSpan.FromMilliseconds(20));

        Assert.True(await fired.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
