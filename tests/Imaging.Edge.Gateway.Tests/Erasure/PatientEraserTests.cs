using System.Text;
using Imaging.Edge.Gateway.Erasure;
using Imaging.Edge.Gateway.Queue;

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
        Assert.Null(scene.Queue.Find(a1v1));
        Assert.NotNull(scene.Queue.Find(b1));
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
        var leased = scene.Queue.Lease("worker", TimeSpan.FromMinutes(5));
        Assert.Equal(a1, leased!.Id);

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: true), writeAudit: false, sweepUnindexedFiles: false, default);

        Assert.Equal(1, result.CancelledUploads);
        Assert.False(scene.Queue.MarkUploaded(a1, "worker", "key", "primary", null));
        Assert.True(scene.Queue.IsErasingOrGone(a1));
        Assert.Null(scene.Queue.Lease("worker", TimeSpan.FromMinutes(5)));
        Assert.Empty(scene.AuditRows()); // the dispatcher audits commands, not the eraser
    }

    [Fact]
    public async Task An_issuer_limits_the_erasure_to_that_issuer_and_instances_without_one()
    {
        using var scene = new ErasureScene();
        var hospitalA = scene.Receive(CanaryId, "HOSPITAL-A", CanaryStudy, CanaryStudy + ".1");
        var hospitalB = scene.Receive(CanaryId, "HOSPITAL-B", OtherStudy, OtherStudy + ".1");
        var unknown = scene.Receive(CanaryId, null, CanaryStudy, CanaryStudy + ".2");

        var result = await scene.Eraser().EraseAsync(Request(CanaryId, cloud: false, issuer: "HOSPITAL-A"), writeAudit: true, sweepUnindexedFiles: true, default);

        Assert.Equal(2, result.Instances);
        Assert.Null(scene.Queue.Find(hospitalA));
        Assert.Null(scene.Queue.Find(unknown));
        Assert.NotNull(scene.Queue.Find(hospitalB));
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

        var row = scene.Queue.Find(again)!;
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
}
