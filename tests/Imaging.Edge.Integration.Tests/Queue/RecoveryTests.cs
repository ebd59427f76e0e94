using System.Security.Cryptography;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Integration.Tests.Queue;

/// <summary>Start-up recovery puts the data folder and the queue back in agreement; migrations keep the queue.</summary>
public sealed class RecoveryTests
{
    private const string Study = "1.2.826.0.1.3680043.99.3";

    [Fact]
    public async Task File_renamed_into_studies_without_a_row_is_indexed_and_a_resend_is_an_identical_duplicate()
    {
        using var sources = new TemporaryDirectory();
        var file = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), sources.Path, 1)[0];
        var sop = CorpusFiles.Read(file).Meta.MediaStorageSopInstanceUid;

        // What the gateway wrote for it, taken from a receiver that acknowledged it.
        string storedPath;
        byte[] storedSha256;
        string studyDirName;
        await using (var first = new ReceiverUnderTest())
        {
            var send = await Dcmtk.StoreAsync(first, [file]);
            Assert.True(send.ExitCode == 0, send.Output);
            var row = Assert.Single(first.Queue.Queries.FindBySopInstanceUid(sop));
            first.Materializer.MaterializeAll(); // small: its file is written after the acknowledgement
            storedPath = first.Layout.Absolute(row.LocalPath);
            storedSha256 = row.Sha256;
            studyDirName = Path.GetFileName(Path.GetDirectoryName(storedPath)!);
            storedPath = CopyAside(storedPath, sources.Combine("stored.dcm"));
        }

        // The crash: the file is in its study folder, the row was never committed.
        using var scene = new RecoveryScene();
        var orphan = Path.Combine(scene.Layout.Studies, studyDirName, DataLayout.InstanceFileName(sop, 0));
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        File.Copy(storedPath, orphan);

        var report = scene.Recover();

        Assert.Equal(1, report.FilesIndexed);
        Assert.Equal(0, report.FilesQuarantined);
        var indexed = Assert.Single(scene.Queue.Queries.FindBySopInstanceUid(sop));
        Assert.Equal(InstanceStates.Pending, indexed.State);
        Assert.Equal(0, indexed.Version);
        Assert.Equal(scene.Layout.Relative(orphan), indexed.LocalPath);
        Assert.Equal(new FileInfo(orphan).Length, indexed.Size);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(orphan))), Convert.ToHexString(indexed.Sha256));
        Assert.Equal(Convert.ToHexString(storedSha256), Convert.ToHexString(indexed.Sha256));
        Assert.Equal(1, scene.Queue.Queries.Stats().Pending);

        // The device never got its success, so it sends the instance again: acknowledged once, not queued twice.
        scene.Queue.Dispose();
        await using (var receiver = new ReceiverUnderTest(dataDir: scene.DataDir))
        {
            var resend = await Dcmtk.StoreAsync(receiver, [file]);
            Assert.True(resend.ExitCode == 0, resend.Output);
            Assert.Single(receiver.Queue.Queries.FindBySopInstanceUid(sop));
            Assert.Single(receiver.ReceivedFiles());
            Assert.Empty(receiver.SpoolFiles());
        }
        scene.Restart();
        Assert.Contains(scene.Outbox(), e => e.Type == QueueEvents.InstanceDuplicate && e.Payload.Contains("\"identical\":true", StringComparison.Ordinal));
    }

    [Fact]
    public void Row_whose_file_is_gone_is_marked_failed_file_missing_once_and_reported()
    {
        using var scene = new RecoveryScene();
        var uploaded = scene.Enqueue("1.2.826.0.1.3680043.99.3.3", Study);
        MarkUploaded(scene, uploaded); // its local copy was deleted by retention after the upload: not missing
        var missing = scene.Enqueue("1.2.826.0.1.3680043.99.3.1", Study);
        var present = scene.Enqueue("1.2.826.0.1.3680043.99.3.2", Study);
        WriteFileOf(scene, present);
        scene.Restart();

        var report = scene.Recover();

        Assert.Equal(1, report.RowsWithoutFile);
        var row = scene.Queue.Queries.Find(missing)!;
        Assert.Equal(InstanceStates.Failed, row.State);
        Assert.Equal("file missing", row.LastError);
        Assert.Equal(InstanceStates.Pending, scene.Queue.Queries.Find(present)!.State);
        Assert.Equal(InstanceStates.Uploaded, scene.Queue.Queries.Find(uploaded)!.State);
        Assert.Equal(1L, scene.Scalar("SELECT COUNT(*) FROM outbox WHERE type = 'instance.file_missing';"));

        scene.Restart();
        Assert.Equal(0, scene.Recover().RowsWithoutFile);
        Assert.Equal(1L, scene.Scalar("SELECT COUNT(*) FROM outbox WHERE type = 'instance.file_missing';"));
    }

    [Fact]
    public void Leftover_spool_files_are_removed()
    {
        using var scene = new RecoveryScene();
        for (var i = 0; i < 3; i++)
            File.WriteAllBytes(scene.Layout.NewSpoolPath(), new byte[1000 * (i + 1)]);

        var report = scene.Recover();

        Assert.Equal(3, report.SpoolFilesRemoved);
        Assert.Empty(Directory.EnumerateFiles(scene.Layout.Spool));
        Assert.Equal(0L, scene.Scalar("SELECT COUNT(*) FROM instances;"));
    }

    [Fact]
    public void Instance_leased_by_the_previous_run_is_pending_again()
    {
        using var scene = new RecoveryScene();
        var id = scene.Enqueue("1.2.826.0.1.3680043.99.3.4", Study);
        WriteFileOf(scene, id);
        Assert.Equal(id, scene.Queue.Leases.Lease("previous-run", TimeSpan.FromHours(1))?.Id);
        scene.Restart();

        var report = scene.Recover();

        Assert.Equal(1, report.LeasesReleased);
        Assert.Equal(InstanceStates.Pending, scene.Queue.Queries.Find(id)!.State);
        Assert.Null(scene.Scalar("SELECT lease_owner FROM instances WHERE id = $id;", ("$id", id)));
        Assert.Equal(id, scene.Queue.Leases.Lease("this-run", TimeSpan.FromMinutes(1))?.Id);
    }

    public static TheoryData<string> Garbage => ["random", "empty", "text", "preamble-only", "truncated-meta"];

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Unreadable_file_in_studies_is_quarantined_not_deleted_not_indexed(string kind)
    {
        using var scene = new RecoveryScene();
        var bytes = GarbageBytes(kind);
        var path = Path.Combine(scene.Layout.StudyDirectory(Study), DataLayout.InstanceFileName("1.2.826.0.1.3680043.99.3.5", 0));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);

        var report = scene.Recover();

        Assert.Equal(1, report.FilesQuarantined);
        Assert.Equal(0, report.FilesIndexed);
        Assert.False(File.Exists(path));
        var quarantined = Assert.Single(Directory.EnumerateFiles(scene.Layout.Quarantine));
        Assert.Equal(bytes, File.ReadAllBytes(quarantined));
        Assert.Equal(0L, scene.Scalar("SELECT COUNT(*) FROM instances;"));
    }

    [Fact]
    public void Database_of_schema_version_1_is_migrated_forward_keeping_its_rows()
    {
        using var folder = new TemporaryDirectory();
        var database = new QueueDatabase(folder.Path);
        // A database as version 1 of the software left it, with one study row.
        using (var connection = database.Open())
        {
            Execute(connection, "CREATE TABLE schema_version (version INTEGER NOT NULL);");
            Execute(connection, Migrations.All[0]);
            Execute(connection, "INSERT INTO schema_version (version) VALUES (1);");
            Execute(connection, """
                INSERT INTO studies (study_uid, pseudonym, first_received_at, last_received_at, instance_count, state)
                VALUES ('1.2.3', 'p', 1, 1, 1, 'open');
                """);
        }
        SqliteConnection.ClearAllPools();

        Assert.Equal(Migrations.All.Count, database.Migrate());
        Assert.Equal(Migrations.All.Count, database.Migrate());

        using var check = database.Open();
        Assert.Equal(Migrations.All.Count, QueueDatabase.CurrentVersion(check));
        Assert.Equal(1L, ScalarOn(check, "SELECT COUNT(*) FROM schema_version;"));
        Assert.Equal("1.2.3", ScalarOn(check, "SELECT study_uid FROM studies;"));
        Assert.Equal(0L, ScalarOn(check, "SELECT manifest_uploaded_version FROM studies;")); // added by migration 2
        check.Dispose();
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Database_from_newer_software_is_refused_and_left_alone()
    {
        using var folder = new TemporaryDirectory();
        var database = new QueueDatabase(folder.Path);
        using (var connection = database.Open())
        {
            Execute(connection, "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version (version) VALUES (99);");
        }

        var error = Assert.Throws<InvalidOperationException>(() => database.Migrate());

        Assert.Contains("99", error.Message);
        Assert.Contains("newer", error.Message);
        using var check = database.Open();
        Assert.Equal(99, QueueDatabase.CurrentVersion(check));
        Assert.Equal(0L, ScalarOn(check, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'instances';"));
        check.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private static string CopyAside(string from, string to)
    {
        File.Copy(from, to);
        return to;
    }

    private static void WriteFileOf(RecoveryScene scene, long id)
    {
        var path = scene.Layout.Absolute(scene.Queue.Queries.Find(id)!.LocalPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[1234]);
    }

    private static void MarkUploaded(RecoveryScene scene, long id)
    {
        Assert.Equal(id, scene.Queue.Leases.Lease("uploader", TimeSpan.FromMinutes(1))?.Id);
        Assert.True(scene.Queue.Leases.MarkUploaded(id, "uploader", "key", "file:", null));
    }

    private static byte[] GarbageBytes(string kind)
    {
        switch (kind)
        {
            case "random":
                var random = new byte[4096];
                new Random(1234).NextBytes(random);
                return random;
            case "empty":
                return [];
            case "text":
                return "this is not a DICOM file\n"u8.ToArray();
            case "preamble-only":
                return [.. new byte[128], .. "DICM"u8];
            case "truncated-meta":
                return File.ReadAllBytes(PydicomCorpus.File("CT_small.dcm"))[..200];
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? ScalarOn(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
