using Imaging.Edge.CloudSync.Tests.Fakes;
using Imaging.Edge.CloudSync.Throttling;

namespace Imaging.Edge.CloudSync.Tests.Throttling;

public sealed class BandwidthLimiterTests
{
    /// <summary>Noon UTC (the manual clock's local time is UTC).</summary>
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static BandwidthSchedule AllDayAt(double megabitsPerSecond, string from = "00:00", string to = "23:59") =>
        new([new BandwidthWindow(BandwidthSchedule.ParseTime(from), BandwidthSchedule.ParseTime(to), megabitsPerSecond)]);

    /// <summary>One sender taking <paramref name="chunk"/> bytes at a time for <paramref name="duration"/> of simulated time, the clock moving in <paramref name="step"/>s.</summary>
    private static async Task<long> SendForAsync(BandwidthLimiter limiter, ManualTimeProvider clock, TimeSpan duration, int chunk, TimeSpan step)
    {
        var end = clock.GetUtcNow() + duration;
        long granted = 0;
        while (clock.GetUtcNow() < end)
        {
            var acquire = limiter.AcquireAsync(chunk, CancellationToken.None);
            while (!acquire.IsCompleted) clock.Advance(step);
            await acquire;
            granted += chunk;
        }
        return granted;
    }

    [Theory]
    [InlineData(8.0, 65_536)]
    [InlineData(20.0, 65_536)]
    [InlineData(1.0, 16_384)]
    [InlineData(100.0, 1_000_000)]
    public async Task Granted_bytes_over_a_simulated_minute_stay_within_5_percent_of_rate_times_time(double megabits, int chunk)
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(AllDayAt(megabits), clock);
        var duration = TimeSpan.FromSeconds(60);

        var granted = await SendForAsync(limiter, clock, duration, chunk, TimeSpan.FromMilliseconds(5));

        var expected = megabits * 1_000_000 / 8 * duration.TotalSeconds;
        Assert.InRange(granted, expected * 0.95, expected * 1.05);
    }

    [Fact]
    public async Task Concurrent_senders_together_stay_within_5_percent_of_the_rate()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(AllDayAt(8), clock);
        var end = clock.GetUtcNow() + TimeSpan.FromSeconds(30);
        long granted = 0;
        var pending = new ValueTask[3];
        while (clock.GetUtcNow() < end)
        {
            for (var i = 0; i < pending.Length; i++)
            {
                if (!pending[i].IsCompleted) continue;
                await pending[i];
                pending[i] = limiter.AcquireAsync(32_768, CancellationToken.None);
                granted += 32_768;
            }
            clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        var expected = 1_000_000d * 30;
        Assert.InRange(granted, expected * 0.95, expected * 1.05);
    }

    [Fact]
    public void Acquire_completes_at_once_while_tokens_suffice_and_is_pending_when_in_debt()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(AllDayAt(8), clock); // 1,000,000 B/s, burst 250,000 B
        clock.Advance(TimeSpan.FromSeconds(10)); // fills the bucket to its burst

        Assert.True(limiter.AcquireAsync(200_000, CancellationToken.None).IsCompleted);
        var inDebt = limiter.AcquireAsync(100_000, CancellationToken.None);

        Assert.False(inDebt.IsCompleted);
    }

    [Fact]
    public void A_pending_acquire_completes_exactly_when_the_debt_is_repaid()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(AllDayAt(8), clock); // 1,000,000 B/s, bucket starts empty

        var acquire = limiter.AcquireAsync(500_000, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(acquire.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(acquire.IsCompletedSuccessfully);
    }

    [Fact]
    public void The_bucket_holds_at_most_a_quarter_second_burst_after_idling()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(AllDayAt(8), clock);
        clock.Advance(TimeSpan.FromHours(1));

        Assert.True(limiter.AcquireAsync(250_000, CancellationToken.None).IsCompleted);
        // 10 ms of debt. (Task.Delay with a TimeProvider rounds down to whole milliseconds, so a debt under 1 ms is
        // granted at once; the debt is still carried, so the average rate is unaffected.)
        Assert.False(limiter.AcquireAsync(10_000, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void Unlimited_never_waits()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(BandwidthSchedule.Unlimited, clock);

        for (var i = 0; i < 1_000; i++)
            Assert.True(limiter.AcquireAsync(int.MaxValue, CancellationToken.None).IsCompletedSuccessfully);
        Assert.Null(limiter.CurrentRate);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public void Outside_the_window_of_the_schedule_is_unlimited()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(AllDayAt(1, "22:00", "06:00"), clock);

        Assert.Null(limiter.CurrentRate);
        Assert.True(limiter.AcquireAsync(50_000_000, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task The_rate_follows_the_clock_into_and_out_of_a_window()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 2, 7, 59, 0, TimeSpan.Zero));
        var limiter = new BandwidthLimiter(AllDayAt(8, "08:00", "18:00"), clock);

        Assert.Null(limiter.CurrentRate);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1_000_000d, limiter.CurrentRate);
        var granted = await SendForAsync(limiter, clock, TimeSpan.FromSeconds(10), 65_536, TimeSpan.FromMilliseconds(5));
        Assert.InRange(granted, 9_500_000, 10_500_000);
    }

    [Fact]
    public async Task Update_changes_the_rate_without_a_restart()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(AllDayAt(8), clock);
        var step = TimeSpan.FromMilliseconds(5);

        var atEight = await SendForAsync(limiter, clock, TimeSpan.FromSeconds(20), 65_536, step);
        limiter.Update(AllDayAt(2));
        var atTwo = await SendForAsync(limiter, clock, TimeSpan.FromSeconds(20), 65_536, step);
        limiter.Update(BandwidthSchedule.Unlimited);
        var unlimited = limiter.AcquireAsync(100_000_000, CancellationToken.None);

        Assert.InRange(atEight, 19_000_000, 21_000_000);
        Assert.InRange(atTwo, 4_750_000, 5_250_000);
        Assert.True(unlimited.IsCompletedSuccessfully);
        Assert.Null(limiter.CurrentRate);
    }

    [Fact]
    public void Update_from_unlimited_to_limited_paces_the_next_acquire()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(BandwidthSchedule.Unlimited, clock);
        Assert.True(limiter.AcquireAsync(10_000_000, CancellationToken.None).IsCompleted);

        limiter.Update(AllDayAt(8));

        Assert.False(limiter.AcquireAsync(500_000, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_pending_acquire_is_cancellable()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(AllDayAt(1), clock);
        using var cancel = new CancellationTokenSource();

        var acquire = limiter.AcquireAsync(10_000_000, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await acquire);
    }

    [Fact]
    public async Task ThrottledStream_reads_in_slices_of_at_most_64_KiB()
    {
        var data = new byte[1_000_000];
        new Random(3).NextBytes(data);
        var limiter = new BandwidthLimiter(BandwidthSchedule.Unlimited, new ManualTimeProvider(Noon));
        await using var stream = limiter.Throttle(new MemoryStream(data));
        var buffer = new byte[1024 * 1024];
        var copy = new MemoryStream();

        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            Assert.InRange(read, 1, 64 * 1024);
            copy.Write(buffer, 0, read);
        }

        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public void ThrottledStream_synchronous_reads_are_sliced_too()
    {
        var limiter = new BandwidthLimiter(BandwidthSchedule.Unlimited, new ManualTimeProvider(Noon));
        using var stream = limiter.Throttle(new MemoryStream(new byte[200_000]));

        Assert.Equal(64 * 1024, stream.Read(new byte[200_000], 0, 200_000));
    }

    [Fact]
    public async Task ThrottledStream_waits_for_the_limiter_after_each_slice()
    {
        var clock = new ManualTimeProvider(Noon);
        var limiter = new BandwidthLimiter(AllDayAt(8), clock); // 1,000,000 B/s, empty bucket
        await using var stream = limiter.Throttle(new MemoryStream(new byte[200_000]));

        var read = stream.ReadAsync(new byte[200_000]).AsTask();
        Assert.False(read.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(66));

        Assert.Equal(64 * 1024, await read);
    }

    [Fact]
    public void ThrottledStream_passes_length_and_seeking_through()
    {
        var limiter = new BandwidthLimiter(BandwidthSchedule.Unlimited, new ManualTimeProvider(Noon));
        using var stream = limiter.Throttle(new MemoryStream(new byte[1000]));

        stream.Position = 400;

        Assert.True(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Equal(1000, stream.Length);
        Assert.Equal(600, stream.Read(new byte[1000], 0, 1000));
    }
}
