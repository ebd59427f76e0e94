using Microsoft.Extensions.Time.Testing;
using System.Globalization;
using System.Security.Cryptography;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Integration.Tests.Retention;

/// <summary>
/// The high-water mark on a real small file system (a 64 MiB tmpfs): only verified uploads lose their local copy,
/// oldest upload first, until the disk is below the mark; data not uploaded stays byte for byte.
/// </summary>
public sealed class HighWaterEvictionTests
{
    private const int MiB = 1024 * 1024;
    private const string Study = "1.2.826.0.1.3680043.99.70";

    [Fact]
    public void Above_the_mark_only_uploaded_copies_are_evicted_oldest_upload_first_until_below_it()
    {
        using var disk = new TmpfsMount("64m");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        var layout = new DataLayout(disk.Combine("var"));
        layout.EnsureCreated();
        var database = new QueueDatabase(layout.Root);
        database.Migrate();
        var pseudonymizer = new Pseudonymizer(SiteSecret.Load(null, layout.Root));
        var queue = new QueueStores(database, clock);
        try
        {
            // 12 instances of 2 MiB uploaded, 8 pending: 40 MiB of 64 on the disk.
            var hashes = new Dictionary<long, byte[]>();
            var ids = new List<long>();
            for (var n = 0; n < 20; n++)
            {
                var sop = "1.2.826.0.1.3680043.99.71." + n.ToString(CultureInfo.InvariantCulture);
                var path = Path.Combine(layout.StudyDirectory(Study), DataLayout.InstanceFileName(sop, 0));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var bytes = RandomNumberGenerator.GetBytes(2 * MiB);
                File.WriteAllBytes(path, bytes);
                var id = queue.Intake.Enqueue(new NewInstance(sop, 0, Study, pseudonymizer.Study(Study), null, null, "1.2.3", "1.2.840.10008.5.1.4.1.1.2",
                    "1.2.840.10008.1.2.1", bytes.Length, SHA256.HashData(bytes), SHA256.HashData(bytes), layout.Relative(path), "TESTSCU", null, Priorities.Medium));
                hashes[id] = SHA256.HashData(bytes);
                ids.Add(id);
                clock.Advance(TimeSpan.FromSeconds(1));
            }
            // Upload the first 12 in an order unlike their arrival: the uploads' own times decide what goes first.
            var uploadOrder = new List<long>();
            for (var n = 0; n < 12; n++)
            {
                var leased = queue.Leases.Lease("worker", TimeSpan.FromHours(1))!;
                Assert.True(queue.Leases.MarkUploaded(leased.Id, "worker", "key", "file", null));
                uploadOrder.Add(leased.Id);
                clock.Advance(TimeSpan.FromMinutes(1));
            }
            uploadOrder.Reverse(); // ...and then pretend the later uploads happened first
            for (var n = 0; n < uploadOrder.Count; n++)
                SetUploadedAt(database, uploadOrder[n], clock.GetUtcNow().AddHours(-24 + n));
            var pending = ids.Except(uploadOrder).ToList();
            Assert.Equal(8, pending.Count);

            var usedBefore = DiskUsage.Of(layout.Root).UsedPercent;
            Assert.InRange(usedBefore, 55, 75);
            var mark = (int)Math.Floor(usedBefore) - 15; // about five instances must go, not all twelve
            var options = new RetentionOptions { KeepUploadedDays = 3650, HighWaterPercent = mark };
            var sweeper = new RetentionSweeper(new RetentionStore(queue.Writer), layout, options, () => DiskUsage.Of(layout.Root), clock,
                NullLogger<RetentionSweeper>.Instance);

            var result = sweeper.Sweep();

            var usedAfter = DiskUsage.Of(layout.Root).UsedPercent;
            Assert.True(usedAfter < mark, $"used {usedAfter:F1}% should be below the mark of {mark}% (was {usedBefore:F1}%)");
            var evicted = uploadOrder.Where(id => queue.Queries.Find(id)!.State == InstanceStates.Evicted).ToList();
            Assert.Equal(result.EvictedByHighWater, evicted.Count);
            Assert.InRange(evicted.Count, 1, 11);
            Assert.Equal(uploadOrder.Take(evicted.Count), evicted); // a prefix of the upload order: oldest first
            foreach (var id in evicted)
                Assert.False(File.Exists(layout.Absolute(queue.Queries.Find(id)!.LocalPath)));
            foreach (var id in uploadOrder.Skip(evicted.Count))
                Assert.Equal(InstanceStates.Uploaded, queue.Queries.Find(id)!.State);
            // One fewer would not have been enough: every eviction was needed.
            Assert.True(usedAfter + 100.0 * 2 * MiB / DiskUsage.Of(layout.Root).TotalBytes >= mark,
                $"evicted {evicted.Count}, used now {usedAfter:F1}%: more than needed for the mark of {mark}%");
            foreach (var id in pending)
            {
                var row = queue.Queries.Find(id)!;
                Assert.Equal(InstanceStates.Pending, row.State);
                Assert.Equal(hashes[id], SHA256.HashData(File.ReadAllBytes(layout.Absolute(row.LocalPath))));
            }
        }
        finally
        {
            queue.Dispose();
            SqliteConnection.ClearAllPools();
        }
    }

    private static void SetUploadedAt(QueueDatabase database, long id, DateTimeOffset at)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE instances SET uploaded_at = $at WHERE id = $id;";
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
