using System.Text;
using System.Text.Json;
using Imaging.Edge.Gateway.Commands;
using Imaging.Edge.Gateway.Erasure;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Gateway.Tests.Erasure;

public sealed class PatientEraserTests
{
    private const string CanaryId = "CANARY-PID-7f3a91";
    private const string CanaryStudy = "1.2.826.0.1.3680043.10.1499.777.1";
    private const string OtherId = "OTHER-PID-0001";
    private const string OtherStudy = "1.2.826.0.1.3680043.10.1499.888.1";

    private static ErasureRequest Request(string patientId, bool cloud, string? issuer = null) =>
        new(patientId, issuer, cloud, "local:test", "req-1");

    [Fact]
    public async Task Erases_every_file_row_event_and_object_of_the_patient_and_nothing_else()
    {
        using var scene = new ErasureScene();
        var a1 = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");
        var a2 = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".2");
        var b1 = scene.Receive(OtherId, null, OtherStudy, OtherStudy + ".1");
        var a1v1 = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1", version: 1);
        await scene.UploadAsync(a1);
        await scene.UploadAsync(a2);
        await scene.UploadAsync(b1);
        // a1v1 stays pending: its upload is cancelled
        Assert.True(ErasureScene.AnyFileContains(scene.Root, CanaryStudy));

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: true), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.True(result.Complete, result.Problem);
        Assert.Equal(3, result.Instances);
        Assert.Equal(1, result.Studies);
        Assert.Equal(3, result.LocalFiles);
        Assert.Equal(1, result.CancelledUploads);
        Assert.True(result.SecureDelete);
        Assert.True(result.WalTruncated);
        Assert.Equal(scene.Pseudonymizer.Patient(CanaryId), result.Patient);
        Assert.Null(scene.Queue.Queries.Find(a1v1));
        Assert.NotNull(scene.Queue.Queries.Find(b1));
        Assert.Equal(1, scene.Scalar("SELECT COUNT(*) FROM studies;"));
        Assert.Equal(0, scene.Scalar($"SELECT COUNT(*) FROM outbox WHERE payload LIKE '%{scene.Pseudonymizer.Study(CanaryStudy)}%';"));
        Assert.Equal(1, scene.Scalar("SELECT COUNT(*) FROM outbox WHERE type = 'erase.completed';"));

        // Nothing of the patient anywhere under the data folder or in the bucket: not the ID, not the study UID, not a folder name.
        Assert.False(ErasureScene.AnyFileContains(scene.Root, CanaryId));
        Assert.False(ErasureScene.AnyFileContains(scene.Root, CanaryStudy));
        Assert.True(ErasureScene.AnyFileContains(scene.Layout.Root, OtherStudy));
        Assert.True(ErasureScene.AnyFileContains(Path.Combine(scene.Root, "bucket"), OtherStudy));
        Assert.False(Directory.Exists(scene.Layout.StudyDirectory(CanaryStudy)));

        var audit = Assert.Single(scene.AuditRows());
        Assert.Equal(("local:test", PatientEraser.Action), (audit.Actor, audit.Action));
        Assert.Contains(result.Patient, audit.Result, StringComparison.Ordinal);
        Assert.DoesNotContain(CanaryId, audit.Result, StringComparison.Ordinal);
        Assert.DoesNotContain(CanaryId, result.ToJson().ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_still_waiting_for_their_file_are_erased_from_the_queue_and_its_wal_and_never_written()
    {
        using var scene = new ErasureScene();
        var pending = scene.ReceivePending(CanaryId, CanaryStudy, CanaryStudy + ".1");
        var other = scene.ReceivePending(OtherId, OtherStudy, OtherStudy + ".1");
        Assert.True(ErasureScene.AnyFileContains(scene.Root, CanaryId)); // in queue.db / its WAL: the bytes are there to find

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: true), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.True(result.Complete, result.Problem);
        Assert.True(result.WalTruncated);
        Assert.Null(scene.Queue.Queries.Find(pending));
        Assert.Equal(1, scene.Scalar("SELECT COUNT(*) FROM pending_files;"));
        Assert.False(ErasureScene.AnyFileContains(scene.Root, CanaryId));
        Assert.Equal(1, new FileMaterializer(scene.Layout, scene.Queue.PendingFiles, NullLogger<FileMaterializer>.Instance).MaterializeAll());
        Assert.False(ErasureScene.AnyFileContains(scene.Root, CanaryId));
        Assert.True(File.Exists(scene.Layout.Absolute(scene.Queue.Queries.Find(other)!.LocalPath)));
    }

    /// <summary>
    /// secure_delete zeroes what a statement deletes, not an old copy of a cell that the b-tree moved while rebalancing
    /// (the soak found an erased UID left that way in queue.db). Here bytes the patient's rows once held are left in the
    /// file's free space by a connection without secure_delete, which is where such copies sit: the erasure rebuilds the
    /// file, and they are gone.
    /// </summary>
    [Fact]
    public async Task Copies_of_the_patients_rows_in_the_files_free_space_are_gone_after_the_erasure()
    {
        using var scene = new ErasureScene();
        var canary = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");
        var other = scene.Receive(OtherId, null, OtherStudy, OtherStudy + ".1");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={scene.Database.Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                PRAGMA secure_delete = OFF;
                CREATE TABLE moved (copy TEXT);
                INSERT INTO moved SELECT local_path || ' {CanaryId}' FROM instances WHERE id = {canary};
                DROP TABLE moved;
                PRAGMA wal_checkpoint(TRUNCATE);
                """;
            command.ExecuteNonQuery();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Equal(0, scene.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'moved';"));
        Assert.NotEqual(-1, File.ReadAllBytes(scene.Database.Path).AsSpan().IndexOf(Encoding.ASCII.GetBytes(CanaryId)));

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: true), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.True(result.Complete, result.Problem);
        Assert.True(result.Compacted);
        Assert.True(result.ToJson()["local"]!["compacted"]!.GetValue<bool>());
        Assert.False(ErasureScene.AnyFileContains(scene.Root, CanaryId));
        Assert.False(ErasureScene.AnyFileContains(scene.Root, CanaryStudy));
        Assert.NotNull(scene.Queue.Queries.Find(other));
        Assert.Equal(0, scene.Scalar("PRAGMA freelist_count;"));
    }

    [Fact]
    public async Task Without_cloud_the_bucket_keeps_its_objects_and_local_data_goes()
    {
        using var scene = new ErasureScene();
        var a1 = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");
        await scene.UploadAsync(a1);

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: false), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.True(result.Complete);
        Assert.Empty(result.Buckets);
        Assert.False(ErasureScene.AnyFileContains(scene.Layout.Root, CanaryStudy));
        Assert.True(ErasureScene.AnyFileContains(Path.Combine(scene.Root, "bucket"), CanaryStudy));
    }

    [Fact]
    public async Task An_upload_in_flight_cannot_be_marked_done_once_its_row_is_erased()
    {
        using var scene = new ErasureScene();
        var a1 = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");
        var leased = scene.Queue.Leases.Lease("worker", TimeSpan.FromMinutes(5));
        Assert.Equal(a1, leased!.Id);

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: true), writeAudit: false, sweepUnindexedFiles: false, default);

        Assert.Equal(1, result.CancelledUploads);
        Assert.False(scene.Queue.Leases.MarkUploaded(a1, "worker", "key", "primary", null));
        Assert.True(scene.Queue.Leases.IsErasingOrGone(a1));
        Assert.Null(scene.Queue.Leases.Lease("worker", TimeSpan.FromMinutes(5)));
        Assert.Empty(scene.AuditRows()); // the dispatcher audits commands, not the eraser
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_issuer_matches_exactly_and_issuer_optional_adds_rows_without_an_issuer(bool issuerOptional)
    {
        using var scene = new ErasureScene();
        var hospitalA = scene.Receive(CanaryId, "HOSPITAL-A", CanaryStudy, CanaryStudy + ".1");
        var hospitalB = scene.Receive(CanaryId, "HOSPITAL-B", OtherStudy, OtherStudy + ".1");
        var unknown = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".2");
        var unknownPath = scene.Layout.Absolute(scene.Queue.Queries.Find(unknown)!.LocalPath);

        var request = Request(CanaryId, cloud: false, issuer: "HOSPITAL-A") with { IssuerOptional = issuerOptional };
        var result = await scene.Eraser().EraseAsync(request, writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.Equal(issuerOptional ? 2 : 1, result.Instances);
        Assert.Null(scene.Queue.Queries.Find(hospitalA));
        Assert.NotNull(scene.Queue.Queries.Find(hospitalB));
        Assert.Equal(!issuerOptional, scene.Queue.Queries.Find(unknown) is not null);
        Assert.Equal(!issuerOptional, File.Exists(unknownPath)); // without --issuer-optional its study folder keeps it
    }

    [Fact]
    public async Task An_issuer_given_leaves_the_manifests_of_the_patients_studies_under_another_issuer()
    {
        using var scene = new ErasureScene();
        var hospitalA = scene.Receive(CanaryId, "HOSPITAL-A", CanaryStudy, CanaryStudy + ".1");
        var hospitalB = scene.Receive(CanaryId, "HOSPITAL-B", OtherStudy, OtherStudy + ".1");
        await scene.UploadAsync(hospitalA);
        await scene.UploadAsync(hospitalB);
        var manifestKey = scene.Keys.ManifestKey(new Imaging.Edge.CloudSync.Keys.ObjectKeyValues("site", "gw", OtherStudy, scene.Pseudonymizer.Study(OtherStudy), "", "none", 0, []), 1);
        var manifest = Path.Combine(scene.Root, "manifest.json");
        await File.WriteAllTextAsync(manifest, "{}");
        await scene.Bucket.PutAsync(manifestKey, new Imaging.Edge.CloudSync.Stores.ObjectContent(manifest, 0, 2,
            System.Security.Cryptography.MD5.HashData("{}"u8.ToArray())), new Dictionary<string, string>(), default);
        scene.Scalar($"UPDATE studies SET manifest_version = 1, manifest_uploaded_version = 1 WHERE study_uid = '{OtherStudy}' RETURNING 1;");

        await scene.Eraser().EraseAsync(Request(CanaryId, cloud: true, issuer: "HOSPITAL-A"), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.NotNull(await scene.Bucket.HeadAsync(manifestKey, default));
        Assert.NotNull(scene.Queue.Queries.Find(hospitalB));
    }

    [Fact]
    public async Task A_folder_that_rows_of_another_study_still_name_is_not_swept()
    {
        using var scene = new ErasureScene();
        // Before folder names were collision-free, a Study UID spelled "no-study" shared the folder of instances without one.
        var shared = scene.Layout.StudyDirectory(null);
        var aliased = scene.Receive(CanaryId, null, "no-study", "1.2.3.9.1", folder: shared);
        scene.Receive(OtherId, null, "", "1.2.3.9.2");
        var leftover = Path.Combine(shared, "crash-leftover.dcm");
        await File.WriteAllTextAsync(leftover, "no row names this file");

        var result = await scene.Eraser().EraseAsync(Request(OtherId, cloud: false), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.Equal(1, result.Instances);
        Assert.True(File.Exists(scene.Layout.Absolute(scene.Queue.Queries.Find(aliased)!.LocalPath)), "the other study's file in the shared folder was swept");
        Assert.True(File.Exists(leftover), "whose leftover it is cannot be told in a shared folder: it stays");
    }

    [Fact]
    public async Task Nothing_matched_is_reported_and_audited()
    {
        using var scene = new ErasureScene();
        scene.Receive(OtherId, null, OtherStudy, OtherStudy + ".1");

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: true), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.False(result.Matched);
        Assert.True(result.Complete);
        Assert.Single(scene.AuditRows());
        Assert.Equal(1, scene.Scalar("SELECT COUNT(*) FROM instances;"));
    }

    [Fact]
    public async Task A_study_of_the_patient_received_after_the_erasure_is_queued_normally()
    {
        using var scene = new ErasureScene();
        scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");
        await scene.Eraser().EraseAsync(Request(CanaryId, cloud: false), writeAudit: true, sweepUnindexedFiles: true, default);

        var again = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");

        var row = scene.Queue.Queries.Find(again)!;
        Assert.Equal(InstanceStates.Pending, row.State);
        Assert.Equal(0, row.Version);
        Assert.True(File.Exists(scene.Layout.Absolute(row.LocalPath)));
    }

    [Fact]
    public void Migration_4_backfills_instance_patient_keys_from_their_study()
    {
        using var scene = new ErasureScene();
        scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");
        // Rewind to before schema 4: the row as an older gateway stored it (no per-instance keys).
        using (var connection = scene.Database.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                DROP INDEX instances_by_patient;
                ALTER TABLE instances DROP COLUMN patient_key;
                ALTER TABLE instances DROP COLUMN issuer_key;
                UPDATE schema_version SET version = 3;
                """;
            command.ExecuteNonQuery();
        }

        Assert.Equal(Migrations.All.Count, scene.Database.Migrate());

        Assert.Equal(1, scene.Scalar($"SELECT COUNT(*) FROM instances WHERE patient_key = '{scene.Pseudonymizer.Patient(CanaryId)}' AND issuer_key IS NULL;"));
    }

    [Fact]
    public void Patient_and_issuer_keys_are_distinct_domains()
    {
        var pseudonymizer = new Imaging.Edge.Gateway.Privacy.Pseudonymizer(Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef"));
        Assert.NotEqual(pseudonymizer.Patient("X"), pseudonymizer.Issuer("X"));
        Assert.Null(pseudonymizer.Issuer(""));
        Assert.Null(pseudonymizer.Issuer(null));
    }

    [Theory]
    [InlineData("UNKNOWN")]
    [InlineData("unknown")]
    [InlineData("Anonymous")]
    [InlineData("ANONYMIZED")]
    [InlineData("0")]
    [InlineData("000000")]
    [InlineData("N/A")]
    [InlineData("n.a.")]
    [InlineData("NONE")]
    [InlineData("NULL")]
    [InlineData("-")]
    [InlineData("---")]
    [InlineData("?")]
    [InlineData("   ")]
    [InlineData("\"\"")]
    [InlineData("^^^")]
    [InlineData("XXXXXX")]
    [InlineData("99999999")]
    [InlineData(" unk ")]
    [InlineData("NO ID")]
    [InlineData("PATIENT_ID")]
    public void Placeholder_like_patient_ids_are_recognised(string patientId) =>
        Assert.NotNull(PlaceholderPatientIds.Kind(patientId));

    [Theory]
    [InlineData("PID-12345")]
    [InlineData("0012345")]
    [InlineData("A1")]
    [InlineData("UNKNOWN-4711")]
    [InlineData("1001")]
    public void Real_patient_ids_are_not_placeholders(string patientId) => Assert.Null(PlaceholderPatientIds.Kind(patientId));

    [Fact]
    public async Task A_placeholder_id_is_refused_unless_forced_and_nothing_is_erased()
    {
        using var scene = new ErasureScene();
        var unknownA = scene.Receive("UNKNOWN", null, CanaryStudy, CanaryStudy + ".1");
        var unknownB = scene.Receive("UNKNOWN", null, OtherStudy, OtherStudy + ".1");

        var refused = Request("UNKNOWN", cloud: false);
        Assert.NotNull(refused.Refusal);
        Assert.DoesNotContain("UNKNOWN", refused.Refusal, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => scene.Eraser().EraseAsync(refused, writeAudit: true, sweepUnindexedFiles: true, default));
        Assert.NotNull(scene.Queue.Queries.Find(unknownA));
        Assert.NotNull(scene.Queue.Queries.Find(unknownB));
        Assert.Empty(scene.AuditRows());

        var forced = refused with { AllowPlaceholder = true };
        Assert.Null(forced.Refusal);
        var result = await scene.Eraser().EraseAsync(forced, writeAudit: true, sweepUnindexedFiles: true, default);
        Assert.Equal(2, result.Instances);
    }

    [Fact]
    public async Task The_command_refuses_a_placeholder_id_unless_forcePlaceholder_is_given()
    {
        using var scene = new ErasureScene();
        var unknown = scene.Receive("ANONYMOUS", null, CanaryStudy, CanaryStudy + ".1");
        var command = new ErasePatientCommand(scene.Eraser());

        var refused = await Assert.ThrowsAsync<CommandException>(() => command.ExecuteAsync(
            CommandRequest.Create("erase-patient", "r1", JsonDocument.Parse("""{ "patientId": "ANONYMOUS" }""").RootElement, "mqtt:test"), default));
        Assert.Equal("bad-arguments", refused.Code);
        Assert.DoesNotContain("ANONYMOUS", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(scene.Queue.Queries.Find(unknown));

        var dryRun = await command.ExecuteAsync(
            CommandRequest.Create("erase-patient", "r2", JsonDocument.Parse("""{ "patientId": "ANONYMOUS", "dryRun": true }""").RootElement, "mqtt:test"), default);
        Assert.True(dryRun.Ok);
        Assert.Equal(1, dryRun.Result!["local"]!["instances"]!.GetValue<int>());
        Assert.NotNull(dryRun.Result!["refusal"]);
        Assert.NotNull(scene.Queue.Queries.Find(unknown));

        var outcome = await command.ExecuteAsync(
            CommandRequest.Create("erase-patient", "r3", JsonDocument.Parse("""{ "patientId": "ANONYMOUS", "forcePlaceholder": true }""").RootElement, "mqtt:test"), default);
        Assert.True(outcome.Ok);
        Assert.Null(scene.Queue.Queries.Find(unknown));
    }

    [Fact]
    public async Task Dry_run_reports_counts_by_study_pseudonym_and_changes_nothing()
    {
        using var scene = new ErasureScene();
        var a1 = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");
        scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".2");
        scene.Receive(OtherId, null, OtherStudy, OtherStudy + ".1");
        await scene.UploadAsync(a1);
        var before = Snapshot(scene);

        var preview = scene.Eraser().Preview(Request(CanaryId, cloud: true));

        Assert.Equal(2, preview.Instances);
        Assert.Equal(2, preview.LocalFiles);
        Assert.Equal(scene.Scalar("SELECT SUM(size) FROM instances WHERE study_id = (SELECT id FROM studies WHERE study_uid = '" + CanaryStudy + "');"), preview.Bytes);
        var study = Assert.Single(preview.Studies);
        Assert.Equal(scene.Pseudonymizer.Study(CanaryStudy), study.Pseudonym);
        Assert.Equal(2, study.Instances);
        Assert.True(study.Removed);
        var bucket = Assert.Single(preview.Buckets);
        Assert.Equal(2, bucket.Objects); // the key each instance has (or would have) in the bucket
        var json = preview.ToJson().ToJsonString();
        Assert.DoesNotContain(CanaryId, json, StringComparison.Ordinal);
        Assert.DoesNotContain(CanaryStudy, json, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(scene));
        Assert.Empty(scene.AuditRows());
    }

    /// <summary>Every row of every table, every file under the scene: what a dry run must leave exactly as it was.</summary>
    private static string Snapshot(ErasureScene scene)
    {
        var text = new StringBuilder();
        using (var connection = scene.Database.Open())
        {
            foreach (var table in new[] { "instances", "studies", "outbox", "audit" })
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM {table} ORDER BY id;";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                    for (var i = 0; i < reader.FieldCount; i++) text.Append(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i) is byte[] b ? Convert.ToHexString(b) : reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
            }
        }
        foreach (var file in Directory.EnumerateFiles(scene.Root, "*", SearchOption.AllDirectories).Where(f => !f.Contains("queue.db", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            text.Append(file).Append(':').Append(new FileInfo(file).Length).Append('\n');
        return text.ToString();
    }

    [Fact]
    public async Task Without_cloud_the_copies_in_the_file_store_inside_the_data_folder_go_too()
    {
        using var scene = new ErasureScene(bucketInDataDir: true);
        var a1 = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");
        var b1 = scene.Receive(OtherId, null, OtherStudy, OtherStudy + ".1");
        await scene.UploadAsync(a1);
        await scene.UploadAsync(b1);
        var cloud = Path.Combine(scene.Layout.Root, "cloud");
        Assert.True(ErasureScene.AnyFileContains(cloud, CanaryId));

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: false), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.True(result.Complete, result.Problem);
        Assert.False(ErasureScene.AnyFileContains(cloud, CanaryId));
        Assert.False(ErasureScene.AnyFileContains(cloud, CanaryStudy));
        Assert.True(ErasureScene.AnyFileContains(cloud, OtherId));
        var store = Assert.Single(result.Buckets);
        Assert.True(store.OnBox);
        Assert.Equal(1, store.Deleted);
    }

    /// <summary>
    /// An upload whose key held other bytes went under the content-suffixed key (the uploader never overwrites) and was
    /// cut short before the row recorded it: erasure with --cloud deletes that copy too, and counts only real objects.
    /// </summary>
    [Fact]
    public async Task With_cloud_a_copy_under_the_content_suffixed_key_goes_too()
    {
        using var scene = new ErasureScene();
        var a1 = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".1");
        var row = scene.Queue.Queries.Find(a1)!;
        var key = scene.Keys.KeyFor(new Imaging.Edge.CloudSync.Keys.ObjectKeyValues("site", "gw", row.StudyUid, row.StudyPseudonym, row.SeriesUid ?? "",
            row.SopInstanceUid, row.Version, row.Sha256));
        var suffixed = Imaging.Edge.CloudSync.Keys.ObjectKeyTemplate.WithContentSuffix(key, row.Sha256);
        var path = scene.Layout.Absolute(row.LocalPath);
        await scene.Bucket.PutAsync(suffixed, new Imaging.Edge.CloudSync.Stores.ObjectContent(path, 0, row.Size,
            System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(path))), new Dictionary<string, string>(), default);

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: true), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.True(result.Complete, result.Problem);
        Assert.Null(await scene.Bucket.HeadAsync(suffixed, default));
        Assert.Equal(1, Assert.Single(result.Buckets).Requested);
    }
}
