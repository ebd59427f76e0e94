using Imaging.Edge.Gateway.Upload;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Gateway.Tests.Upload;

/// <summary>What the watchdog takes from the slots: stopped or without progress, not merely failing.</summary>
public sealed class UploadSlotsStuckTests
{
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(10);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_slot_that_keeps_failing_but_turns_is_not_stuck()
    {
        var slots = new UploadSlots(_clock);
        var slot = slots.Add();
        for (var i = 0; i < UploadSlots.FailingAfter + 2; i++)
            slots.Faulted(slot, new InvalidOperationException());

        Assert.Single(slots.Problems(StalledAfter));
        Assert.Empty(slots.Stuck(StalledAfter));
    }

    [Fact]
    public void A_slot_without_progress_or_that_ended_is_stuck()
    {
        var slots = new UploadSlots(_clock);
        var quiet = slots.Add();
        var ended = slots.Add();
        slots.Ended(ended);
        Assert.Equal(["upload slot 1 stopped"], slots.Stuck(StalledAfter));

        _clock.Advance(StalledAfter + TimeSpan.FromMinutes(1));

        Assert.Equal(2, slots.Stuck(StalledAfter).Count);
        Assert.Contains(slots.Stuck(StalledAfter), p => p.StartsWith($"upload slot {quiet} making no progress", StringComparison.Ordinal));
    }
}
