using System.Security.Cryptography;
using System.Text;
using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Erasure;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Gateway.Tests.Erasure;

/// <summary>
/// A real queue.db in a scratch data folder, instance files on disk, and a folder object store standing in for the bucket:
/// outside the data folder, or (<paramref name="bucketInDataDir"/>) the embedded default <c>{DataDir}/cloud</c>, whose
/// copies are still on the box.
/// </summary>
internal sealed class ErasureScene : IDisposable
{
    public ErasureScene(bool bucketInDataDir = false)
    {
        Root = Path.Combine(Path.GetTempPath(), "erasure-" + Guid.NewGuid().ToString("N"));
        Layout = new DataLayout(Path.Combine(Root, "data"));
        Layout.EnsureCreated();
        Database = new QueueDatabase(Layout.Root);
        Database.Migrate();
        Queue = new QueueStores(Database, TimeProvider.System);
        Pseudonymizer = new Pseudonymizer(RandomNumberGenerator.GetBytes(32));
        Bucket = bucketInDataDir
            ? new FileSystemObjectStore(Path.Combine(Layout.Root, "cloud")) // named "file", as the gateway names it
            : new FileSystemObjectStore(Path.Combine(Root, "bucket"), "primary");
    }

    public string Root { get; }
    public DataLayout Layout { get; }
    public QueueDatabase Database { get; }
    public QueueStores Queue { get; }
    public Pseudonymizer Pseudonymizer { get; }
    public FileSystemObjectStore Bucket { get; }
    public ObjectKeyTemplate Keys { get; } = ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default);
    public GatewayOptions Gateway { get; } = new() { SiteId = "site", GatewayId = "gw" };

    public PatientEraser Eraser() => new(new ErasureStore(Queue.Writer, Queue.Operator), Layout, Pseudonymizer, [Bucket], Keys, Gateway, NullLogger<PatientEraser>.Instance);

    /// <summary>Stores an instance file (its bytes carry the patient ID, as a DICOM file would) and queues it; in its study's
    /// folder, or in <paramref name="folder"/> (where an earlier version put it).</summary>
    public long Receive(string patientId, string? issuer, string studyUid, string sopUid, int version = 0, string? folder = null)
    {
        folder ??= Layout.StudyDirectory(studyUid);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, DataLayout.InstanceFileName(sopUid, version));
        var bytes = Encoding.ASCII.GetBytes($"DICM {patientId} {studyUid} {sopUid}");
        File.WriteAllBytes(path, bytes);
        return Queue.Intake.Enqueue(new NewInstance(sopUid, version, studyUid, Pseudonymizer.Study(studyUid), Pseudonymizer.Patient(patientId),
            Pseudonymizer.Issuer(issuer), "1.2.3.4", "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1", bytes.Length,
            SHA256.HashData(bytes), SHA256.HashData(bytes), Layout.Relative(path), "TESTSCU", "127.0.0.1", Priorities.Medium));
    }

    /// <summary>Queues a small instance as the intake does: its bytes (carrying the patient ID) in the queue, its file not written yet.</summary>
    public long ReceivePending(string patientId, string studyUid, string sopUid)
    {
        var path = Path.Combine(Layout.StudyDirectory(studyUid), DataLayout.InstanceFileName(sopUid, 0));
        var bytes = Encoding.ASCII.GetBytes($"DICM {patientId} {studyUid} {sopUid} {new string('x', 3000)}");
        return Queue.Intake.Enqueue(new NewInstance(sopUid, 0, studyUid, Pseudonymizer.Study(studyUid), Pseudonymizer.Patient(patientId),
            null, "1.2.3.4", "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1", bytes.Length,
            SHA256.HashData(bytes), SHA256.HashData(bytes), Layout.Relative(path), "TESTSCU", "127.0.0.1", Priorities.Medium), bytes);
    }

    /// <summary>Uploads the instance to the folder bucket the way the worker does, and marks it uploaded.</summary>
    public async Task UploadAsync(long id)
    {
        var row = Queue.Queries.Find(id)!;
        var leased = Queue.Leases.Lease("test", TimeSpan.FromMinutes(5));
        Assert.Equal(id, leased!.Id);
        var key = Keys.KeyFor(new ObjectKeyValues("site", "gw", row.StudyUid, row.StudyPseudonym, row.SeriesUid ?? "", row.SopInstanceUid, row.Version, row.Sha256));
        var path = Layout.Absolute(row.LocalPath);
        await Bucket.PutAsync(key, new ObjectContent(path, 0, row.Size, MD5.HashData(File.ReadAllBytes(path))), new Dictionary<string, string>(), default);
        Assert.True(Queue.Leases.MarkUploaded(id, "test", key, Bucket.Name, null));
    }

    public long Scalar(string sql)
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public List<(string Actor, string Action, string Result)> AuditRows()
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT actor, action, result FROM audit ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return rows;
    }

    /// <summary>True when any file under the folder holds the text (as bytes), or any path names it.</summary>
    public static bool AnyFileContains(string folder, string text)
    {
        var needle = Encoding.ASCII.GetBytes(text);
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories))
        {
            if (entry.Contains(text, StringComparison.Ordinal)) return true;
            if (File.Exists(entry) && File.ReadAllBytes(entry).AsSpan().IndexOf(needle) >= 0) return true;
        }
        return false;
    }

    public void Dispose()
    {
        Queue.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
