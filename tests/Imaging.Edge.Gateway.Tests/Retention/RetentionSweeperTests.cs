using System.Text.Json;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Gateway.Tests.Retention;

/// <summary>The retention sweep over a real queue file and real instance files, with a clock the test moves.</summary>
public sealed class RetentionSweeperTests : IDisposable
{
    private readonly RetentionScene _scene = new();

    public void Dispose() => _scene.Dispose();

    private static RetentionOptions Options(int keepDays = 30, int logDays = 180, int highWater = 85) =>
        new() { KeepUploadedDays = keepDays, LogRetentionDays = logDays, HighWaterPercent = highWater, SweepIntervalSeconds = 300 };

    [Fact]
    public void Verified_copies_older_than_KeepUploadedDays_are_evicted_younger_ones_kept()
    {
        var old = _scene.Receive(size: 1000);
        var young = _scene.Receive(size: 2000);
        _scene.Upload(old);
        _scene.Clock.Advance(TimeSpan.FromDays(2));
        _scene.Upload(young);
        _scene.Clock.Advance(TimeSpan.FromDays(29)); // old: uploaded 31 days ago; young: 29 days ago

        var result = _scene.Sweeper(Options(keepDays: 30)).Sweep();

        Assert.Equal(1, result.EvictedByAge);
        Assert.Equal(InstanceStates.Evicted, _scene.State(old));
        Assert.False(_scene.HasFile(old));
        Assert.Equal(InstanceStates.Uploaded, _scene.State(young));
        Assert.True(_scene.FileIsIntact(young));
        var evicted = Assert.Single(_scene.Outbox(), e => e.Type == QueueEvents.RetentionEvicted);
        using var payload = JsonDocument.Parse(evicted.Payload);
        Assert.Equal(1, payload.RootElement.GetProperty("instances").GetInt32());
        Assert.Equal(1000, payload.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal("age", payload.RootElement.GetProperty("reason").GetString());
        Assert.Equal(3, payload.RootElement.EnumerateObject().Count()); // counts only: no study, no instance, no path

        _scene.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, _scene.Sweeper(Options(keepDays: 30)).Sweep().EvictedByAge);
        Assert.Equal(InstanceStates.Evicted, _scene.State(young));
        Assert.False(Directory.Exists(_scene.Layout.StudyDirectory(RetentionScene.StudyUid)), "the emptied study folder is removed");
    }

    [Fact]
    public void Pending_uploading_and_failed_instances_are_never_evicted_however_old()
    {
        var pending = _scene.Receive();
        var uploading = _scene.Receive();
        var failed = _scene.Receive();
        var uploaded = _scene.Receive();
        _scene.StartUpload(uploading);
        _scene.Fail(failed);
        _scene.Upload(uploaded);
        _scene.Clock.Advance(TimeSpan.FromDays(400));

        var result = _scene.Sweeper(Options(keepDays: 0)).Sweep();

        Assert.Equal(1, result.EvictedByAge);
        Assert.Equal(InstanceStates.Evicted, _scene.State(uploaded));
        Assert.Equal(InstanceStates.Pending, _scene.State(pending));
        Assert.Equal(InstanceStates.Uploading, _scene.State(uploading));
        Assert.Equal(InstanceStates.Failed, _scene.State(failed));
        foreach (var id in new[] { pending, uploading, failed })
            Assert.True(_scene.FileIsIntact(id), $"instance {id} ({_scene.State(id)}) must keep its file byte for byte");
    }

    [Fact]
    public void KeepUploadedDays_zero_evicts_as_soon_as_the_upload_is_verified()
    {
        var id = _scene.Receive();
        var sweeper = _scene.Sweeper(Options(keepDays: 0));
        Assert.Equal(0, sweeper.Sweep().EvictedByAge);
        Assert.True(_scene.HasFile(id));

        _scene.Upload(id);
        var result = sweeper.Sweep();

        Assert.Equal(1, result.EvictedByAge);
        Assert.Equal(InstanceStates.Evicted, _scene.State(id));
        Assert.False(_scene.HasFile(id));
        var stats = _scene.Queue.Queries.Stats();
        Assert.Equal((0L, 1L, 0L), (stats.Uploaded, stats.Evicted, stats.Pending));
    }

    [Fact]
    public void A_small_instance_uploaded_before_its_file_was_written_is_evicted_with_its_bytes_in_the_queue()
    {
        var small = _scene.ReceiveSmall(size: 3000);
        Assert.NotNull(_scene.Queue.PendingFiles.BytesOf(small));
        _scene.Upload(small); // uploaded from the queue's bytes: the file writer gave way to an open association

        var result = _scene.Sweeper(Options(keepDays: 0)).Sweep();

        Assert.Equal(1, result.EvictedByAge);
        Assert.Equal(InstanceStates.Evicted, _scene.State(small));
        Assert.Null(_scene.Queue.PendingFiles.BytesOf(small));
        // The file writer has nothing left to write: the evicted instance never becomes a file.
        var writer = new FileMaterializer(_scene.Layout, _scene.Queue.PendingFiles, NullLogger<FileMaterializer>.Instance);
        Assert.Equal(0, writer.MaterializeAll());
        Assert.False(_scene.HasFile(small));
    }

    [Fact]
    public void Audit_and_outbox_rows_older_than_LogRetentionDays_are_pruned_younger_kept()
    {
        _scene.Queue.Operator.Audit("local:test", "old-action", "r1", "ok", (QueueEvents.CommandExecuted, """{"n":1}"""));
        _scene.Clock.Advance(TimeSpan.FromDays(100));
        _scene.Queue.Operator.Audit("local:test", "young-action", "r2", "ok", (QueueEvents.CommandExecuted, """{"n":2}"""));
        _scene.Clock.Advance(TimeSpan.FromDays(80)); // old: exactly 180 days; young: 80 days
        var sweeper = _scene.Sweeper(Options(logDays: 180));

        var atTheLimit = sweeper.Sweep();
        _scene.Clock.Advance(TimeSpan.FromMinutes(1));
        var pastIt = sweeper.Sweep();

        Assert.Equal((0, 0), (atTheLimit.AuditRowsPruned, atTheLimit.OutboxEventsPruned));
        Assert.Equal((1, 1), (pastIt.AuditRowsPruned, pastIt.OutboxEventsPruned));
        Assert.Equal(["young-action"], _scene.AuditActions());
        var left = Assert.Single(_scene.Outbox());
        Assert.Equal("""{"n":2}""", left.Payload);

        _scene.Clock.Advance(TimeSpan.FromDays(101));
        Assert.Equal((1, 1), sweeper.PruneLogs());
        Assert.Empty(_scene.AuditActions());
        Assert.Empty(_scene.Outbox());
    }

    [Fact]
    public void Above_the_high_water_mark_with_nothing_uploaded_nothing_is_evicted_and_status_says_so()
    {
        var pending = _scene.Receive();
        var failed = _scene.Receive();
        _scene.Fail(failed);
        var full = () => new DiskUsage(FreeBytes: 50, TotalBytes: 1000); // 95% used
        var monitor = new DiskMonitor(new DiskSpaceGuard(_scene.Layout.Root, 0), _scene.Store, full, 85, _scene.Clock, NullLogger<DiskMonitor>.Instance);
        monitor.Check();

        var result = _scene.Sweeper(Options(keepDays: 30, highWater: 85), full, monitor).Sweep();

        Assert.Equal(0, result.EvictedByHighWater);
        Assert.True(result.AboveHighWaterWithNothingToEvict);
        Assert.True(monitor.Current.AboveHighWaterWithNothingToEvict);
        Assert.True(_scene.FileIsIntact(pending));
        Assert.True(_scene.FileIsIntact(failed));
        Assert.DoesNotContain(_scene.Outbox(), e => e.Type == QueueEvents.RetentionEvicted);
    }

    [Fact]
    public void High_water_evicts_oldest_uploads_first_just_enough_to_get_below_the_mark()
    {
        // A pretend disk of 100,000 bytes whose used space is 50,000 plus the instance files still present.
        var ids = Enumerable.Range(0, 6).Select(_ => _scene.Receive(size: 5000)).ToList();
        var pending = _scene.Receive(size: 5000);
        foreach (var id in new[] { ids[3], ids[1], ids[5], ids[0], ids[4], ids[2] }) // uploaded in another order than received
        {
            _scene.Upload(id);
            _scene.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        DiskUsage Disk()
        {
            var used = 50_000 + Directory.EnumerateFiles(_scene.Layout.Studies, "*.dcm", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            return new DiskUsage(100_000 - used, 100_000);
        }
        Assert.Equal(85_000, Disk().UsedBytes);

        var result = _scene.Sweeper(Options(highWater: 75), Disk).Sweep(); // must free > 10,000 bytes: three instances

        Assert.Equal(3, result.EvictedByHighWater);
        Assert.False(result.AboveHighWaterWithNothingToEvict);
        Assert.True(Disk().UsedPercent < 75);
        var oldestThreeUploads = new[] { ids[3], ids[1], ids[5] };
        Assert.Equal(oldestThreeUploads.Order(), ids.Where(id => _scene.State(id) == InstanceStates.Evicted).Order());
        Assert.All(oldestThreeUploads, id => Assert.False(_scene.HasFile(id)));
        Assert.All(new[] { ids[0], ids[4], ids[2] }, id => Assert.True(_scene.FileIsIntact(id)));
        Assert.True(_scene.FileIsIntact(pending));
        var evictedEvent = Assert.Single(_scene.Outbox(), e => e.Type == QueueEvents.RetentionEvicted);
        Assert.Contains("\"reason\":\"high-water\"", evictedEvent.Payload);
    }

    [Fact]
    public async Task The_sweeper_runs_by_itself_on_its_interval_of_the_clock()
    {
        var id = _scene.Receive();
        _scene.Upload(id);
        var sweeper = _scene.Sweeper(Options(keepDays: 30));
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            // deadlines, not counts of short delays: a loaded CI machine may not run the sweeper's loop for seconds
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (sweeper.Sweeps == 0 && DateTime.UtcNow < deadline) await Task.Delay(25);
            Assert.Equal(1, sweeper.Sweeps); // the sweep at start found nothing old enough
            Assert.Equal(InstanceStates.Uploaded, _scene.State(id));

            _scene.Clock.Advance(TimeSpan.FromDays(31));
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (_scene.State(id) != InstanceStates.Evicted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(25);
                _scene.Clock.Advance(sweeper.Interval);
            }

            Assert.Equal(InstanceStates.Evicted, _scene.State(id));
            Assert.False(_scene.HasFile(id));
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
        }
    }
}
