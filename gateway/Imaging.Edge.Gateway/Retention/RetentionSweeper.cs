using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Hosting.Watchdog;
using Imaging.Edge.Gateway.Intake;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Retention;

/// <summary>
/// Enforces what is kept on the box, every <c>Retention:SweepIntervalSeconds</c> (and its high-water part whenever the
/// disk monitor sees the mark passed):
/// <list type="bullet">
/// <item>local copies of verified uploads (state <c>uploaded</c>) older than <c>KeepUploadedDays</c> are evicted;</item>
/// <item>above <c>HighWaterPercent</c>, verified uploads are evicted oldest upload first until the disk is below the mark;</item>
/// <item>audit rows and unpublished outbox events older than <c>LogRetentionDays</c> are pruned.</item>
/// </list>
/// Pending, uploading and failed instances are never touched: only rows still <c>uploaded</c> become <c>evicted</c>.
/// Order of an eviction: the rows become <c>evicted</c> (with the <c>retention.evicted</c> event) in one FULL commit,
/// then the files are deleted and their folders fsynced; a crash in between is finished by start-up recovery.
/// </summary>
internal sealed class RetentionSweeper(
    RetentionStore store,
    DataLayout layout,
    RetentionOptions options,
    Func<DiskUsage> probe,
    TimeProvider clock,
    ILogger<RetentionSweeper> logger,
    DiskMonitor? monitor = null,
    Heartbeat? heartbeat = null) : BackgroundService
{
    private const int BatchSize = 500;

    private bool _reportedNothingToEvict;
    private int _sweeps;

    /// <summary>Full sweeps done since start.</summary>
    public int Sweeps => Volatile.Read(ref _sweeps);

    /// <summary>What one sweep did.</summary>
    public sealed record Result(int EvictedByAge, int EvictedByHighWater, bool AboveHighWaterWithNothingToEvict, int AuditRowsPruned, int OutboxEventsPruned);

    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(options.SweepIntervalSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        RetentionLog.Started(logger, options.KeepUploadedDays, options.HighWaterPercent, options.ReserveMegabytes, options.LogRetentionDays, options.SweepIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            using (heartbeat?.Working()) Guarded(() => Sweep(), stoppingToken);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var tick = Task.Delay(Interval, clock, wait.Token);
            while (true)
            {
                var highWater = monitor is null ? Task.Delay(Timeout.Infinite, wait.Token) : monitor.WaitForHighWaterAsync(wait.Token).AsTask();
                if (await Task.WhenAny(tick, highWater).ConfigureAwait(false) == tick) break;
                if (highWater.IsCanceled) break;
                using (heartbeat?.Working()) Guarded(() => EvictAboveHighWater(), stoppingToken);
            }
            await wait.CancelAsync().ConfigureAwait(false);
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>One full sweep: age, high-water mark, logs. Does not throw for file trouble; SQLite errors propagate (the host stops, systemd restarts).</summary>
    /// <summary>
    /// One pass of the loop; an exception nobody expected (a full disk failing SQLite, a bug) is logged and the loop
    /// goes on: every step of a sweep is safe to repeat, and a sweeper that stopped would stop the whole host.
    /// </summary>
    private void Guarded(Action pass, CancellationToken stoppingToken)
    {
        try
        {
            pass();
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            RetentionLog.SweepFailed(logger, e, e.GetType().Name);
        }
    }

    public Result Sweep()
    {
        var byAge = EvictByAge();
        var (byHighWater, nothingLeft) = EvictAboveHighWater();
        var (audit, outbox) = PruneLogs();
        Interlocked.Increment(ref _sweeps);
        return new Result(byAge, byHighWater, nothingLeft, audit, outbox);
    }

    /// <summary>Evicts verified uploads older than <c>KeepUploadedDays</c>. Returns how many.</summary>
    public int EvictByAge()
    {
        var cutoff = clock.GetUtcNow() - TimeSpan.FromDays(options.KeepUploadedDays);
        var total = 0;
        while (true)
        {
            var batch = store.UploadedBefore(cutoff, BatchSize);
            if (batch.Count == 0) return total;
            var evicted = Evict(batch, EvictionReasons.Age);
            total += evicted;
            if (evicted == 0 || batch.Count < BatchSize) return total;
        }
    }

    /// <summary>
    /// While the disk is at or above the high-water mark, evicts the oldest verified uploads — just enough, by their
    /// sizes, to get below it — and reads the disk again. Returns how many were evicted and whether the disk is still
    /// above the mark with nothing left to evict.
    /// </summary>
    public (int Evicted, bool NothingToEvict) EvictAboveHighWater()
    {
        var total = 0;
        var nothingToEvict = false;
        for (var pass = 0; pass < 10_000; pass++)
        {
            DiskUsage usage;
            try
            {
                usage = probe();
            }
            catch (IOException e)
            {
                RetentionLog.DiskUnreadable(logger, e.Message);
                break;
            }
            var mark = (long)Math.Floor(usage.TotalBytes * (options.HighWaterPercent / 100.0));
            if (usage.UsedBytes < mark) break;
            var needed = usage.UsedBytes - mark + 1;
            var candidates = store.OldestUploaded(BatchSize);
            if (candidates.Count == 0)
            {
                nothingToEvict = true;
                if (!_reportedNothingToEvict) RetentionLog.NothingToEvict(logger, usage.UsedPercent, options.HighWaterPercent);
                break;
            }
            var batch = new List<LocalCopy>();
            long freed = 0;
            foreach (var candidate in candidates)
            {
                batch.Add(candidate);
                freed += candidate.Size;
                if (freed >= needed) break;
            }
            total += Evict(batch, EvictionReasons.HighWater);
        }
        _reportedNothingToEvict = nothingToEvict;
        monitor?.ReportNothingToEvict(nothingToEvict);
        return (total, nothingToEvict);
    }

    /// <summary>Prunes audit rows and outbox events older than <c>LogRetentionDays</c>; the pruning is recorded as counts in the log.</summary>
    public (int AuditRows, int OutboxEvents) PruneLogs()
    {
        var (audit, outbox) = store.PruneBefore(clock.GetUtcNow() - TimeSpan.FromDays(options.LogRetentionDays));
        if (audit + outbox > 0)
            RetentionLog.Pruned(logger, audit, outbox, options.LogRetentionDays);
        return (audit, outbox);
    }

    private int Evict(IReadOnlyList<LocalCopy> batch, string reason)
    {
        var marked = store.MarkEvicted(batch, reason);
        if (marked.Count == 0) return 0;
        TestFaults.KillAt(TestFaults.RetentionAfterEvictedCommit);
        LocalCopies.Delete(layout, marked.Select(c => c.LocalPath), out var failures);
        TestFaults.KillAt(TestFaults.RetentionAfterDelete);
        if (failures > 0) RetentionLog.DeleteFailed(logger, failures);
        RetentionLog.Evicted(logger, reason, marked.Count, marked.Sum(c => c.Size));
        return marked.Count;
    }
}
