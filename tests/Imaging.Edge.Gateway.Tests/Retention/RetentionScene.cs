using System.Globalization;
using System.Security.Cryptography;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Gateway.Tests.Retention;

/// <summary>
/// A data folder with a real queue file and real instance files, on a clock the test moves (FakeTimeProvider).
/// Instances are queued as the intake would (file written first, then the row) and driven through the queue's own
/// lease / mark-uploaded / mark-failed methods.
/// </summary>
internal sealed class RetentionScene : IDisposable
{
    public const string StudyUid = "1.2.826.0.1.3680043.99.60";

    private readonly string _folder = Directory.CreateTempSubdirectory("edge-retention-").FullName;
    private int _next;

    public RetentionScene(string? dataDir = null)
    {
        Layout = new DataLayout(dataDir ?? Path.Combine(_folder, "var"));
        Layout.EnsureCreated();
        Database = new QueueDatabase(Layout.Root);
        Database.Migrate();
        Pseudonymizer = new Pseudonymizer(SiteSecret.Load(null, Layout.Root));
        Queue = new QueueStores(Database, Clock);
        Store = new RetentionStore(Queue.Writer);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    public DataLayout Layout { get; }
    public QueueDatabase Database { get; }
    public Pseudonymizer Pseudonymizer { get; }
    public QueueStores Queue { get; }
    public RetentionStore Store { get; }

    public RetentionSweeper Sweeper(RetentionOptions options, Func<DiskUsage>? probe = null, DiskMonitor? monitor = null) =>
        new(Store, Layout, options, probe ?? NothingUsed, Clock, NullLogger<RetentionSweeper>.Instance, monitor);

    /// <summary>A disk that is never near its high-water mark, for the tests that are not about it.</summary>
    public static DiskUsage NothingUsed() => new(FreeBytes: 1_000_000_000, TotalBytes: 1_000_000_000);

    /// <summary>Writes a file of <paramref name="size"/> random bytes where the intake would, and queues it. Returns the row id.</summary>
    public long Receive(int size = 4096, string studyUid = StudyUid)
    {
        var sop = "1.2.826.0.1.3680043.99.61." + (++_next).ToString(CultureInfo.InvariantCulture);
        var folder = Layout.StudyDirectory(studyUid);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, DataLayout.InstanceFileName(sop, 0));
        var bytes = RandomNumberGenerator.GetBytes(size);
        File.WriteAllBytes(path, bytes);
        return Queue.Intake.Enqueue(new NewInstance(sop, 0, studyUid, Pseudonymizer.Study(studyUid), null, null, "1.2.3.4",
            "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1", size, SHA256.HashData(bytes), SHA256.HashData(bytes),
            Layout.Relative(path), "TESTSCU", "127.0.0.1", Priorities.Medium));
    }

    /// <summary>
    /// Queues a small instance as the one-commit intake does: its bytes in the queue (<see cref="PendingFiles"/>), its
    /// file not written yet. Returns the row id.
    /// </summary>
    public long ReceiveSmall(int size = 4096)
    {
        var sop = "1.2.826.0.1.3680043.99.62." + (++_next).ToString(CultureInfo.InvariantCulture);
        var path = Path.Combine(Layout.StudyDirectory(StudyUid), DataLayout.InstanceFileName(sop, 0));
        var bytes = RandomNumberGenerator.GetBytes(size);
        return Queue.Intake.Enqueue(new NewInstance(sop, 0, StudyUid, Pseudonymizer.Study(StudyUid), null, null, "1.2.3.4",
            "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1", size, SHA256.HashData(bytes), SHA256.HashData(bytes),
            Layout.Relative(path), "TESTSCU", "127.0.0.1", Priorities.Medium), bytes);
    }

    /// <summary>Leases exactly this instance (the oldest pending is leased first, so callers upload in arrival order
    /// unless they lease and postpone) and marks it uploaded at the clock's time.</summary>
    public void Upload(long id)
    {
        var leased = LeaseUntil(id);
        Assert.True(Queue.Leases.MarkUploaded(leased.Id, "worker", "key/" + id.ToString(CultureInfo.InvariantCulture), "file", null));
    }

    /// <summary>Leases this instance and leaves it uploading (a worker busy with it).</summary>
    public void StartUpload(long id) => LeaseUntil(id);

    public void Fail(long id)
    {
        LeaseUntil(id);
        Queue.Leases.MarkFailed(id, "permanent: 403 Forbidden");
    }

    /// <summary>Leases until this row is the one leased; rows leased on the way go back to pending.</summary>
    private QueuedInstance LeaseUntil(long id)
    {
        var others = new List<QueuedInstance>();
        try
        {
            while (true)
            {
                var leased = Queue.Leases.Lease("worker", TimeSpan.FromDays(3650)) ?? throw new InvalidOperationException($"instance {id} is not pending");
                if (leased.Id == id) return leased;
                others.Add(leased);
            }
        }
        finally
        {
            foreach (var other in others)
                Queue.Leases.Postpone(other.Id, "worker", null, Clock.GetUtcNow(), countAttempt: false);
        }
    }

    public string State(long id) => Queue.Queries.Find(id)!.State;

    public string FileOf(long id) => Layout.Absolute(Queue.Queries.Find(id)!.LocalPath);

    public bool HasFile(long id) => File.Exists(FileOf(id));

    /// <summary>The file's bytes hash to what the queue recorded at intake.</summary>
    public bool FileIsIntact(long id) => HasFile(id) && SHA256.HashData(File.ReadAllBytes(FileOf(id))).AsSpan().SequenceEqual(Queue.Queries.Find(id)!.Sha256);

    public IReadOnlyList<(long Id, DateTimeOffset At, string Type, string Payload)> Outbox()
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, at, type, payload FROM outbox ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, DateTimeOffset, string, string)>();
        while (reader.Read())
            rows.Add((reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3)));
        return rows;
    }

    public IReadOnlyList<string> AuditActions()
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT action FROM audit ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(reader.GetString(0));
        return rows;
    }

    public void Dispose()
    {
        Queue.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
