using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Tests.Commands;

/// <summary>The outbox as telemetry uses it: bounded, ids never reused, delete after acknowledgement.</summary>
public sealed class OutboxTests
{
    private static void AddEvents(QueueStores queue, int count)
    {
        for (var i = 0; i < count; i++)
            queue.Operator.Audit("local:test", "ping", $"r{i}", "pong", (QueueEvents.CommandExecuted, QueueEvents.Payload(("count", i))));
    }

    [Fact]
    public void Past_the_bound_the_oldest_events_are_dropped_and_their_count_is_reported()
    {
        using var scene = new CommandScene();
        AddEvents(scene.Queue, 150);

        var dropped = scene.Queue.Outbox.Trim(100);
        var again = scene.Queue.Outbox.Trim(100);

        Assert.Equal(51, dropped); // 150 - 100, plus room for the report itself
        Assert.Equal(0, again);
        var events = scene.Queue.Outbox.Batch(1000);
        Assert.Equal(100, events.Count);
        Assert.Equal(QueueEvents.EventsDropped, events[^1].Type);
        Assert.Contains("\"count\":51", events[^1].Payload, StringComparison.Ordinal);
        Assert.Contains("\"count\":51", events[0].Payload, StringComparison.Ordinal); // the newest 99 survive, in order
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
    }

    [Fact]
    public void Event_ids_are_never_reused_after_the_outbox_was_drained()
    {
        using var scene = new CommandScene();
        AddEvents(scene.Queue, 3);
        var first = scene.Queue.Outbox.Batch();
        foreach (var e in first) Assert.True(scene.Queue.Outbox.Delete(e.Id));
        Assert.False(scene.Queue.Outbox.Delete(first[0].Id));

        AddEvents(scene.Queue, 1);

        Assert.True(scene.Queue.Outbox.Batch().Single().Id > first.Max(e => e.Id));
    }

    [Fact]
    public void Instances_received_today_are_counted_from_the_database_then_in_memory()
    {
        var now = DateTimeOffset.UtcNow;
        var counted = 0;
        var today = new ReceivedToday(since =>
        {
            counted++;
            Assert.Equal(TimeSpan.Zero, since.TimeOfDay);
            return 7;
        });

        Assert.Equal(7, today.Read(now));
        today.Add(now);
        today.Add(now.AddDays(-1)); // yesterday's does not count
        Assert.Equal(8, today.Read(now));
        Assert.Equal(1, counted);
        Assert.Equal(7, today.Read(now.AddDays(1))); // a new day starts from the database again
        Assert.Equal(2, counted);
    }
}
