using System.Text.Json;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Gateway.Tests.Retention;

/// <summary>The disk monitor's crossings of the reserve, with a pretend disk whose free space the test sets.</summary>
public sealed class DiskMonitorTests : IDisposable
{
    private const long Reserve = 1000;
    private readonly RetentionScene _scene = new();
    private long _free = 5000;

    public void Dispose() => _scene.Dispose();

    private DiskMonitor Monitor() => new(new DiskSpaceGuard(_scene.Layout.Root, Reserve), _scene.Store, () => new DiskUsage(_free, 10_000), 85,
        _scene.Clock, NullLogger<DiskMonitor>.Instance);

    private List<JsonElement> ReserveEvents() =>
        _scene.Outbox().Where(e => e.Type == QueueEvents.DiskReserve).Select(e => JsonDocument.Parse(e.Payload).RootElement).ToList();

    [Fact]
    public void Each_crossing_of_the_reserve_is_one_event_and_the_snapshot_follows()
    {
        var monitor = Monitor();

        var above = monitor.Check();
        _free = 900;
        var below = monitor.Check();
        _free = 800;
        monitor.Check();
        _free = 1000;
        var back = monitor.Check();
        monitor.Check();

        Assert.False(above.BelowReserve);
        Assert.Equal((900L, 10_000L, 91.0, Reserve, true, 85), (below.FreeBytes, below.TotalBytes, below.UsedPercent, below.ReserveBytes, below.BelowReserve, below.HighWaterPercent));
        Assert.False(back.BelowReserve);
        Assert.Equal(back, monitor.Current);
        var events = ReserveEvents();
        Assert.Equal(2, events.Count);
        Assert.True(events[0].GetProperty("belowReserve").GetBoolean());
        Assert.Equal(900, events[0].GetProperty("freeBytes").GetInt64());
        Assert.Equal(Reserve, events[0].GetProperty("reserveBytes").GetInt64());
        Assert.False(events[1].GetProperty("belowReserve").GetBoolean());
        Assert.Equal(1000, events[1].GetProperty("freeBytes").GetInt64());
    }

    [Fact]
    public void Starting_below_the_reserve_is_reported()
    {
        _free = 10;
        var monitor = Monitor();

        Assert.True(monitor.Check().BelowReserve);

        var only = Assert.Single(ReserveEvents());
        Assert.True(only.GetProperty("belowReserve").GetBoolean());
    }

    [Fact]
    public async Task A_refusal_by_the_intake_wakes_the_monitor_before_its_next_tick()
    {
        var guard = new DiskSpaceGuard(_scene.Layout.Root, long.MaxValue); // the real disk is always "below" this reserve
        var monitor = new DiskMonitor(guard, _scene.Store, () => DiskUsage.Of(_scene.Layout.Root), 85, _scene.Clock, NullLogger<DiskMonitor>.Instance);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            for (var i = 0; i < 400 && ReserveEvents().Count == 0; i++) await Task.Delay(25);
            Assert.Single(ReserveEvents()); // the first reading, at start
            var readings = Readings(monitor);

            Assert.False(guard.HasRoomForNewData());
            for (var i = 0; i < 400 && Readings(monitor) == readings; i++) await Task.Delay(25);

            Assert.NotEqual(readings, Readings(monitor)); // read again although the fake clock never moved
            Assert.Single(ReserveEvents()); // still below: no new crossing
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    private static int Readings(DiskMonitor monitor) => monitor.Readings;
}
