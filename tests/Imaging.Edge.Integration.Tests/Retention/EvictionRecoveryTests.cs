using Microsoft.Extensions.Time.Testing;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Retention;

/// <summary>
/// Crash safety of eviction. Retention commits the row as evicted before it deletes the file, so after a crash an
/// evicted row may still have its file (recovery finishes the deletion) or not (normal: never "file missing").
/// </summary>
public sealed class EvictionRecoveryTests
{
    private const string Study = "1.2.826.0.1.3680043.99.80";

    [Fact]
    public void Evicted_row_whose_file_survived_a_crash_is_finished_and_one_without_file_is_not_missing()
    {
        using var scene = new RecoveryScene(new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero)));
        var interrupted = scene.Enqueue("1.2.826.0.1.3680043.99.81.1", Study);
        var completed = scene.Enqueue("1.2.826.0.1.3680043.99.81.2", Study);
        var pending = scene.Enqueue("1.2.826.0.1.3680043.99.81.3", Study);
        var bytes = new Dictionary<long, byte[]>();
        foreach (var id in new[] { interrupted, completed, pending })
        {
            var path = scene.Layout.Absolute(scene.Queue.Queries.Find(id)!.LocalPath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            bytes[id] = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1234);
            File.WriteAllBytes(path, bytes[id]);
        }
        foreach (var id in new[] { interrupted, completed })
        {
            var leased = scene.Queue.Leases.Lease("worker", TimeSpan.FromMinutes(5));
            Assert.Equal(id, leased?.Id);
            Assert.True(scene.Queue.Leases.MarkUploaded(id, "worker", "key", "file", null));
        }
        // The crash: both rows committed as evicted; only one file was deleted before the power went.
        var store = new RetentionStore(scene.Queue.Writer);
        var copies = store.OldestUploaded(10);
        Assert.Equal(2, store.MarkEvicted(copies, EvictionReasons.Age).Count);
        File.Delete(scene.Layout.Absolute(scene.Queue.Queries.Find(completed)!.LocalPath));
        scene.Restart();

        var report = scene.Recover();

        Assert.Equal(1, report.EvictionsFinished);
        Assert.Equal(0, report.RowsWithoutFile);
        Assert.Equal(0, report.FilesIndexed);
        Assert.False(File.Exists(scene.Layout.Absolute(scene.Queue.Queries.Find(interrupted)!.LocalPath)));
        Assert.Equal(InstanceStates.Evicted, scene.Queue.Queries.Find(interrupted)!.State);
        Assert.Equal(InstanceStates.Evicted, scene.Queue.Queries.Find(completed)!.State);
        Assert.Null(scene.Queue.Queries.Find(completed)!.LastError);
        Assert.Equal(InstanceStates.Pending, scene.Queue.Queries.Find(pending)!.State);
        Assert.Equal(bytes[pending], File.ReadAllBytes(scene.Layout.Absolute(scene.Queue.Queries.Find(pending)!.LocalPath)));
        Assert.DoesNotContain(scene.Outbox(), e => e.Type == QueueEvents.InstanceFileMissing);
        Assert.Equal(2, scene.Queue.Queries.Stats().Evicted);

        // A second start finds nothing left to do.
        scene.Restart();
        var again = scene.Recover();
        Assert.Equal((0, 0, 0), (again.EvictionsFinished, again.RowsWithoutFile, again.FilesIndexed));
    }
}
