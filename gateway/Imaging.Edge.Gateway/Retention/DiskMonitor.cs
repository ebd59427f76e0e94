using System.Threading.Channels;
using Imaging.Edge.Gateway.Hosting.Watchdog;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Retention;

/// <summary>
/// Watches the data disk every <see cref="Every"/> and at once whenever the intake refuses an instance. Each crossing
/// of the reserve (going below it, and coming back above it) is a <c>disk.reserve</c> event in the outbox and a log
/// line; the intake's <see cref="DiskSpaceGuard"/> does the refusing itself. Above the high-water mark it wakes the
/// retention sweeper. <see cref="Current"/> is the last reading, for status.
/// </summary>
internal sealed class DiskMonitor : BackgroundService
{
    public static readonly TimeSpan DefaultEvery = TimeSpan.FromSeconds(5);

    private readonly DiskSpaceGuard _guard;
    private readonly RetentionStore _store;
    private readonly Func<DiskUsage> _probe;
    private readonly int _highWaterPercent;
    private readonly TimeProvider _clock;
    private readonly ILogger<DiskMonitor> _logger;
    private readonly Lock _checkLock = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _highWater = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private DiskStatus _current;
    private bool _belowReserve;
    private volatile bool _nothingToEvict;
    private readonly Heartbeat? _heartbeat;

    public DiskMonitor(DiskSpaceGuard guard, RetentionStore store, Func<DiskUsage> probe, int highWaterPercent, TimeProvider clock,
        ILogger<DiskMonitor> logger, TimeSpan? every = null, Heartbeat? heartbeat = null)
    {
        _heartbeat = heartbeat;
        _guard = guard;
        _store = store;
        _probe = probe;
        _highWaterPercent = highWaterPercent;
        _clock = clock;
        _logger = logger;
        Every = every ?? DefaultEvery;
        // Until the first reading: nothing known, nothing alarming.
        _current = new DiskStatus(0, 0, 0, guard.ReserveBytes, false, highWaterPercent, false);
        guard.Refused += () => _wake.Writer.TryWrite(true);
    }

    public TimeSpan Every { get; }

    private int _readings;

    /// <summary>Readings of the disk since start.</summary>
    public int Readings => Volatile.Read(ref _readings);

    /// <summary>The last reading of the data disk. Thread-safe; never null.</summary>
    public DiskStatus Current => Volatile.Read(ref _current);

    /// <summary>Completes when the disk was seen above the high-water mark since the last call (for the sweeper).</summary>
    public ValueTask<bool> WaitForHighWaterAsync(CancellationToken cancellationToken) => _highWater.Reader.ReadAsync(cancellationToken);

    /// <summary>The sweeper's verdict after a high-water pass: true when the disk stayed above the mark with nothing left to evict.</summary>
    public void ReportNothingToEvict(bool nothingToEvict)
    {
        _nothingToEvict = nothingToEvict;
        lock (_checkLock)
        {
            var current = Current;
            Volatile.Write(ref _current, current with { AboveHighWaterWithNothingToEvict = nothingToEvict && current.UsedPercent >= _highWaterPercent });
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using (_heartbeat?.Working()) Check();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Check() handles the disk and the queue failing as it expects them to; anything else must not stop the host.
                RetentionLog.CheckFailed(_logger, e, e.GetType().Name);
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var tick = Task.Delay(Every, _clock, wait.Token);
            var woken = _wake.Reader.WaitToReadAsync(wait.Token).AsTask();
            await Task.WhenAny(tick, woken).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// One reading: updates <see cref="Current"/>, writes a <c>disk.reserve</c> event on a crossing of the reserve (the
    /// first reading counts as coming from above it), and wakes the sweeper above the high-water mark. Returns the reading;
    /// when the disk cannot be read, the previous one.
    /// </summary>
    public DiskStatus Check()
    {
        lock (_checkLock)
        {
            DiskUsage usage;
            try
            {
                usage = _probe();
            }
            catch (IOException e)
            {
                RetentionLog.DiskUnreadable(_logger, e.Message);
                return Current;
            }
            var reserve = _guard.ReserveBytes;
            var below = usage.FreeBytes < reserve;
            var aboveHighWater = usage.UsedPercent >= _highWaterPercent;
            var status = new DiskStatus(usage.FreeBytes, usage.TotalBytes, Math.Round(usage.UsedPercent, 1), reserve, below, _highWaterPercent,
                aboveHighWater && _nothingToEvict);
            // The reading first: whoever sees the disk.reserve event also sees the reading it reports (CI caught a test
            // reading the status between the two).
            Volatile.Write(ref _current, status);
            if (below != _belowReserve && TryRecordCrossing(below, usage.FreeBytes, reserve))
            {
                if (below) RetentionLog.BelowReserve(_logger, usage.FreeBytes / (1024 * 1024), reserve / (1024 * 1024));
                else RetentionLog.AboveReserve(_logger, usage.FreeBytes / (1024 * 1024), reserve / (1024 * 1024));
                _belowReserve = below;
            }
            Interlocked.Increment(ref _readings);
            if (aboveHighWater) _highWater.Writer.TryWrite(true);
            return status;
        }
    }

    /// <summary>False when the event could not be written (a disk this full may refuse SQLite too): the next reading tries again.</summary>
    private bool TryRecordCrossing(bool below, long freeBytes, long reserveBytes)
    {
        try
        {
            _store.AddEvent(QueueEvents.DiskReserve, QueueEvents.Payload(("belowReserve", below), ("freeBytes", freeBytes), ("reserveBytes", reserveBytes)));
            return true;
        }
        catch (SqliteException e)
        {
            RetentionLog.EventNotRecorded(_logger, QueueEvents.DiskReserve, e.SqliteErrorCode);
            return false;
        }
    }
}
