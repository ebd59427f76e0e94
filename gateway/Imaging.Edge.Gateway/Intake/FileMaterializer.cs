using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// Writes the files of small instances that were acknowledged with their bytes in the queue (<see cref="PendingFiles"/>):
/// temp file in spool/ → fsync → rename to the row's path → one fsync per study folder per batch → the bytes are
/// forgotten (NORMAL commit). Every step is idempotent: after a crash the same bytes are written again, and start-up
/// recovery writes every remaining file before the receiver listens. One loop; an error is logged and tried again.
/// <para>
/// The writer gives way to the receiver: while an association is open it waits (the bytes are durable in the queue
/// already, and uploads read them from there), so that the only sync an acknowledgement waits behind is its own
/// commit. Once more than <see cref="HighWater"/> files wait, it writes anyway, to bound the queue's size.
/// </para>
/// </summary>
internal sealed class FileMaterializer(DataLayout layout, PendingFiles pending, ILogger<FileMaterializer> logger, Func<int>? activeAssociations = null)
    : BackgroundService
{
    /// <summary>Files per batch: at most 16 × 256 KiB in memory, and one folder sync serves the whole batch.</summary>
    internal const int BatchSize = 16;

    /// <summary>Files that may wait in the queue while associations are open: at most 1,024 × 256 KiB (256 MiB).</summary>
    internal const int HighWater = 1024;

    /// <summary>How often a writer that gives way looks again whether the associations ended.</summary>
    private static readonly TimeSpan GiveWayPoll = TimeSpan.FromMilliseconds(250);

    private readonly Lock _lock = new();
    private int _gaveWay;
    private readonly HashSet<string> _durableFolders = new(StringComparer.Ordinal);

    /// <summary>Writes every pending file now (start-up, before the receiver listens). Returns how many.</summary>
    public int MaterializeAll()
    {
        var total = 0;
        int written;
        while ((written = MaterializeBatch()) > 0) total += written;
        return total;
    }

    /// <summary>Writes the next batch of pending files. Returns how many (0: none left).</summary>
    public int MaterializeBatch()
    {
        lock (_lock)
        {
            var batch = pending.Next(BatchSize);
            if (batch.Count == 0) return 0;
            TestFaults.KillAt(TestFaults.BeforeMaterialize);
            var folders = new HashSet<string>(StringComparer.Ordinal);
            var paths = new Dictionary<long, string>();
            foreach (var file in batch)
            {
                var path = layout.Absolute(file.LocalPath);
                Write(path, file.Bytes);
                folders.Add(Path.GetDirectoryName(path)!);
                paths[file.InstanceId] = path;
            }
            foreach (var folder in folders) DirectorySync.Sync(folder);
            TestFaults.KillAt(TestFaults.AfterMaterialize);
            // An erasure that claimed an instance, or retention that evicted it after its verified upload, deleted its
            // bytes meanwhile: the file just written must not outlive them.
            foreach (var erased in pending.Written(paths.Keys))
                File.Delete(paths[erased]);
            return batch.Count;
        }
    }

    /// <summary>How many times the loop found files waiting and gave way to an open association (tests wait on it).</summary>
    internal int GaveWay => Volatile.Read(ref _gaveWay);

    /// <summary>Whether the writer waits now: an association is open and the queue holds fewer than <see cref="HighWater"/> files.</summary>
    public bool GivesWay() => activeAssociations is not null && activeAssociations() > 0 && pending.Waiting() < HighWater;

    /// <summary>Temp file, fsync, rename over the final name: a file there is this instance's own earlier attempt.</summary>
    private void Write(string path, byte[] bytes)
    {
        var temp = layout.NewSpoolPath();
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        var folder = Path.GetDirectoryName(path)!;
        EnsureFolder(folder, gone: false);
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Retention removed the study folder once it was empty: make it again.
            EnsureFolder(folder, gone: true);
            File.Move(temp, path, overwrite: true);
        }
    }

    private void EnsureFolder(string folder, bool gone)
    {
        if (!gone && _durableFolders.Contains(folder)) return;
        Directory.CreateDirectory(folder);
        DirectorySync.Sync(Path.GetDirectoryName(folder)!);
        _durableFolders.Add(folder);
    }

    /// <summary>
    /// A clean stop leaves every file written (tools that read the data folder, such as decommission, then see it as
    /// before); what cannot be written stays in the queue and recovery writes it at the next start.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (TestFaults.HoldMaterializer) return;
        try
        {
            MaterializeAll();
        }
        catch (Exception e)
        {
            IntakeLog.MaterializeFailed(logger, e, Privacy.Outbound.ErrorText(e));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (TestFaults.HoldMaterializer) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (!GivesWay() && MaterializeBatch() > 0) stoppingToken.ThrowIfCancellationRequested();
                if (GivesWay() && pending.Waiting() > 0)
                {
                    Interlocked.Increment(ref _gaveWay);
                    // files are waiting for the association to end: look again soon, not at the next arrival
                    await Task.Delay(GiveWayPoll, stoppingToken).ConfigureAwait(false);
                    continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                IntakeLog.MaterializeFailed(logger, e, Privacy.Outbound.ErrorText(e));
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                continue;
            }
            await pending.Queued.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}
