using System.Globalization;
using System.Text.Json;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Cli;

/// <summary>
/// <c>imaging-edge queue</c> as a field engineer runs it: the real executable against a queue filled by the real
/// receiver from dcmtk's storescu, while the receiver still holds its connections open.
/// </summary>
public sealed class QueueCommandTests
{
    private const string UploadError = "permanent: 403 Forbidden from the bucket";

    // CT_small.dcm's patient: the queue must not hold it and the command must never print it.
    private static readonly string[] PatientData = ["CompressedSamples", "1CT1", "ABCD1234", "1234ABCD"];

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Four instances of one study received over DICOM: two pending, one failed, one uploaded.</summary>
    private sealed record Scenario(ReceiverUnderTest Receiver, IReadOnlyList<QueuedInstance> Instances, QueuedInstance Failed, QueuedInstance Uploaded)
    {
        public string DataDir => Receiver.Layout.Root;
        public string Pseudonym => Failed.StudyPseudonym;
        public IEnumerable<QueuedInstance> Pending => Instances.Where(i => i.Id != Failed.Id && i.Id != Uploaded.Id);
    }

    private static async Task<Scenario> ReceiveAsync(ReceiverUnderTest receiver, TemporaryDirectory folder, int count = 4)
    {
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("send"), count);
        var store = await Dcmtk.StoreAsync(receiver, files);
        Assert.True(store.ExitCode == 0, store.Output);
        receiver.Materializer.MaterializeAll(); // an instance is leased once its file is written (CI caught the race)
        var failed = receiver.Queue.Leases.Lease("test-worker", TimeSpan.FromMinutes(5)) ?? throw new InvalidOperationException("nothing to lease");
        receiver.Queue.Leases.MarkFailed(failed.Id, UploadError);
        var uploaded = receiver.Queue.Leases.Lease("test-worker", TimeSpan.FromMinutes(5)) ?? throw new InvalidOperationException("nothing to lease");
        Assert.True(receiver.Queue.Leases.MarkUploaded(uploaded.Id, "test-worker", "site/study/instance.dcm", "file", null));
        var instances = receiver.Queue.Queries.List([InstanceStates.Pending, InstanceStates.Uploading, InstanceStates.Failed, InstanceStates.Uploaded]);
        Assert.Equal(count, instances.Count);
        return new Scenario(receiver, instances, receiver.Queue.Queries.Find(failed.Id)!, receiver.Queue.Queries.Find(uploaded.Id)!);
    }

    private static void AssertNoPatientData(ProcessResult result)
    {
        foreach (var value in PatientData)
            Assert.DoesNotContain(value, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_groups_instances_by_study_pseudonym_with_a_summary_and_no_patient_data()
    {
        await using var receiver = new ReceiverUnderTest();
        using var folder = new TemporaryDirectory();
        var scenario = await ReceiveAsync(receiver, folder);

        var list = await QueueCli.RunAsync(scenario.DataDir, "list");
        var all = await QueueCli.RunAsync(scenario.DataDir, "list", "--state", "all");

        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Contains($"study {scenario.Pseudonym} (3 instances, study UID {scenario.Failed.StudyUid})", list.StandardOutput);
        Assert.Contains("pending 2, uploading 0, failed 1, uploaded 1, evicted 0;", list.StandardOutput);
        Assert.Contains("oldest waiting", list.StandardOutput);
        foreach (var instance in scenario.Pending.Append(scenario.Failed))
            Assert.Contains(instance.SopInstanceUid, list.StandardOutput);
        Assert.DoesNotContain(scenario.Uploaded.SopInstanceUid, list.StandardOutput);
        Assert.Contains(UploadError, list.StandardOutput);
        Assert.Contains("STORESCU", list.StandardOutput);
        Assert.Contains(QueueTimeText(scenario.Failed.ReceivedAt), list.StandardOutput);
        AssertNoPatientData(list);

        Assert.True(all.ExitCode == 0, all.Output);
        Assert.Contains($"study {scenario.Pseudonym} (4 instances,", all.StandardOutput);
        Assert.Contains(scenario.Uploaded.SopInstanceUid, all.StandardOutput);
    }

    [Fact]
    public async Task List_json_is_one_document_with_stats_and_studies()
    {
        await using var receiver = new ReceiverUnderTest();
        using var folder = new TemporaryDirectory();
        var started = DateTimeOffset.UtcNow;
        var scenario = await ReceiveAsync(receiver, folder);

        var list = await QueueCli.RunAsync(scenario.DataDir, "--json", "list");
        var elapsed = DateTimeOffset.UtcNow - started;
        var failedOnly = await QueueCli.RunAsync(scenario.DataDir, "list", "--state", "failed", "--json");

        Assert.True(list.ExitCode == 0, list.Output);
        AssertNoPatientData(list);
        using var document = JsonDocument.Parse(list.StandardOutput);
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        var stats = root.GetProperty("stats");
        Assert.Equal(2, stats.GetProperty("pending").GetInt64());
        Assert.Equal(0, stats.GetProperty("uploading").GetInt64());
        Assert.Equal(1, stats.GetProperty("failed").GetInt64());
        Assert.Equal(1, stats.GetProperty("uploaded").GetInt64());
        Assert.Equal(scenario.Pending.Sum(i => i.Size), stats.GetProperty("bytesPending").GetInt64());
        // the oldest pending instance arrived during this test: its age, in seconds, is within the test's time so far
        Assert.InRange(stats.GetProperty("oldestPendingAgeSeconds").GetInt64(), 0, (long)elapsed.TotalSeconds + 1);
        Assert.EndsWith("Z", stats.GetProperty("oldestPendingAt").GetString());

        var study = Assert.Single(root.GetProperty("studies").EnumerateArray());
        Assert.Equal(scenario.Pseudonym, study.GetProperty("study").GetString());
        var instances = study.GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal(3, instances.Count);
        var failed = Assert.Single(instances, i => i.GetProperty("state").GetString() == "failed");
        Assert.Equal(scenario.Failed.Id, failed.GetProperty("id").GetInt64());
        Assert.Equal(scenario.Failed.SopInstanceUid, failed.GetProperty("sopInstanceUid").GetString());
        Assert.Equal(UploadError, failed.GetProperty("lastError").GetString());
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        Assert.Equal(scenario.Failed.Size, failed.GetProperty("size").GetInt64());
        Assert.Equal("STORESCU", failed.GetProperty("source").GetString());
        Assert.Equal("medium", failed.GetProperty("priority").GetString());
        Assert.Equal(QueueTimeText(scenario.Failed.ReceivedAt), failed.GetProperty("receivedAt").GetString());

        Assert.True(failedOnly.ExitCode == 0, failedOnly.Output);
        using var failedDocument = JsonDocument.Parse(failedOnly.StandardOutput);
        var only = failedDocument.RootElement.GetProperty("studies").EnumerateArray().SelectMany(s => s.GetProperty("instances").EnumerateArray()).ToList();
        Assert.Equal(scenario.Failed.Id, Assert.Single(only).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Show_prints_every_field_by_id_or_by_sop_instance_uid()
    {
        await using var receiver = new ReceiverUnderTest();
        using var folder = new TemporaryDirectory();
        var scenario = await ReceiveAsync(receiver, folder, count: 3);
        var failed = scenario.Failed;

        var byId = await QueueCli.RunAsync(scenario.DataDir, "show", Text(failed.Id));
        var byUid = await QueueCli.RunAsync(scenario.DataDir, "show", failed.SopInstanceUid, "--json");
        var unknownId = await QueueCli.RunAsync(scenario.DataDir, "show", "999999");
        var unknownUid = await QueueCli.RunAsync(scenario.DataDir, "show", "1.2.3.4.5");

        Assert.True(byId.ExitCode == 0, byId.Output);
        Assert.Contains($"id:", byId.StandardOutput);
        Assert.Contains(failed.SopInstanceUid, byId.StandardOutput);
        Assert.Contains(failed.StudyUid, byId.StandardOutput);
        Assert.Contains(failed.StudyPseudonym, byId.StandardOutput);
        Assert.Contains(failed.SopClassUid, byId.StandardOutput);
        Assert.Contains(failed.TransferSyntaxUid, byId.StandardOutput);
        Assert.Contains(Convert.ToHexStringLower(failed.Sha256), byId.StandardOutput);
        Assert.Contains(failed.LocalPath, byId.StandardOutput);
        Assert.Contains($"{Text(failed.Size)} bytes", byId.StandardOutput);
        Assert.Contains(UploadError, byId.StandardOutput);
        AssertNoPatientData(byId);

        Assert.True(byUid.ExitCode == 0, byUid.Output);
        using var document = JsonDocument.Parse(byUid.StandardOutput);
        Assert.Equal(1, document.RootElement.GetProperty("schemaVersion").GetInt32());
        var instance = Assert.Single(document.RootElement.GetProperty("instances").EnumerateArray());
        Assert.Equal(failed.Id, instance.GetProperty("id").GetInt64());
        Assert.Equal("failed", instance.GetProperty("state").GetString());
        Assert.Equal(failed.SeriesUid, instance.GetProperty("seriesUid").GetString());
        Assert.Equal(Convert.ToHexStringLower(failed.Sha256), instance.GetProperty("sha256").GetString());
        Assert.Equal(JsonValueKind.Null, instance.GetProperty("objectKey").ValueKind);

        Assert.Equal(1, unknownId.ExitCode);
        Assert.Contains("no instance with id 999999", unknownId.StandardError);
        Assert.Equal(1, unknownUid.ExitCode);
        Assert.Contains("no instance with SOP Instance UID 1.2.3.4.5", unknownUid.StandardError);
    }

    [Fact]
    public async Task Retry_by_id_puts_the_failed_instance_back_to_pending_and_audits_it()
    {
        await using var receiver = new ReceiverUnderTest();
        using var folder = new TemporaryDirectory();
        var scenario = await ReceiveAsync(receiver, folder, count: 3);
        var pendingId = scenario.Pending.First().Id;

        var retry = await QueueCli.RunAsync(scenario.DataDir, "retry", Text(scenario.Failed.Id));
        var notFailed = await QueueCli.RunAsync(scenario.DataDir, "retry", Text(pendingId));

        Assert.True(retry.ExitCode == 0, retry.Output);
        Assert.Contains($"back to pending: 1 instance (id {Text(scenario.Failed.Id)})", retry.StandardOutput);
        var after = receiver.Queue.Queries.Find(scenario.Failed.Id)!;
        Assert.Equal(InstanceStates.Pending, after.State);
        Assert.Null(after.LastError);

        Assert.Equal(1, notFailed.ExitCode);
        Assert.Contains($"instance {Text(pendingId)} is pending, not failed", notFailed.StandardError);

        var audit = QueueCli.AuditRows(scenario.DataDir);
        Assert.Equal(2, audit.Count);
        Assert.Equal(("local:" + Environment.UserName, "retry-failed", "ok: 1 instance"), (audit[0].Actor, audit[0].Action, audit[0].Result));
        Assert.True(Guid.TryParse(audit[0].RequestId, out _), audit[0].RequestId);
        Assert.Equal("nothing to retry", audit[1].Result);
    }

    [Fact]
    public async Task Retry_all_failed_reports_the_ids_and_a_second_retry_has_nothing_to_do()
    {
        await using var receiver = new ReceiverUnderTest();
        using var folder = new TemporaryDirectory();
        var scenario = await ReceiveAsync(receiver, folder, count: 3);
        var second = receiver.Queue.Leases.Lease("test-worker", TimeSpan.FromMinutes(5))!;
        receiver.Queue.Leases.MarkFailed(second.Id, UploadError);

        var retry = await QueueCli.RunAsync(scenario.DataDir, "retry", "--all-failed", "--json");
        var again = await QueueCli.RunAsync(scenario.DataDir, "retry", "--all-failed");

        Assert.True(retry.ExitCode == 0, retry.Output);
        using var document = JsonDocument.Parse(retry.StandardOutput);
        var retried = document.RootElement.GetProperty("retried").EnumerateArray().Select(e => e.GetInt64()).Order().ToList();
        Assert.Equal(new[] { scenario.Failed.Id, second.Id }.Order().ToList(), retried);
        Assert.Equal("ok: 2 instances", document.RootElement.GetProperty("result").GetString());
        Assert.All(retried, id => Assert.Equal(InstanceStates.Pending, receiver.Queue.Queries.Find(id)!.State));
        Assert.Equal(0, receiver.Queue.Queries.Stats().Failed);

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("nothing to retry: no failed instances", again.StandardError);
        var audit = QueueCli.AuditRows(scenario.DataDir);
        Assert.Equal(["ok: 2 instances", "nothing to retry"], audit.Select(a => a.Result));
        Assert.Equal(document.RootElement.GetProperty("requestId").GetString(), audit[0].RequestId);
        Assert.All(audit, a => Assert.Equal("retry-failed", a.Action));
    }

    [Fact]
    public async Task Missing_queue_exits_1_and_creates_nothing()
    {
        using var folder = new TemporaryDirectory();
        var dataDir = folder.Combine("var");

        var list = await QueueCli.RunAsync(dataDir, "list");
        var retry = await QueueCli.RunAsync(dataDir, "retry", "--all-failed");

        Assert.Equal(1, list.ExitCode);
        Assert.Contains($"no queue at {Path.Combine(dataDir, "queue.db")}: has the gateway run?", list.StandardError);
        Assert.Equal(1, retry.ExitCode);
        Assert.False(Directory.Exists(dataDir), "the data folder must not be created");
    }

    [Fact]
    public async Task Queue_file_without_schema_is_not_migrated()
    {
        using var folder = new TemporaryDirectory();
        var dataDir = folder.Combine("var");
        Directory.CreateDirectory(dataDir);
        await File.WriteAllBytesAsync(Path.Combine(dataDir, "queue.db"), []);

        var list = await QueueCli.RunAsync(dataDir, "list");

        Assert.Equal(1, list.ExitCode);
        Assert.Contains("queue schema version 0, this imaging-edge needs", list.StandardError);
        Assert.Equal(0, new FileInfo(Path.Combine(dataDir, "queue.db")).Length);
    }

    [Fact]
    public async Task Command_line_and_configuration_mistakes_exit_2()
    {
        using var folder = new TemporaryDirectory();
        var dataDir = folder.Combine("var");

        var badState = await QueueCli.RunAsync(dataDir, "list", "--state", "lost");
        var noCommand = await QueueCli.RunAsync(dataDir);
        var unknownCommand = await QueueCli.RunAsync(dataDir, "purge");
        var retryBoth = await QueueCli.RunAsync(dataDir, "retry", "7", "--all-failed");
        var retryUid = await QueueCli.RunAsync(dataDir, "retry", "1.2.3");
        var showNothing = await QueueCli.RunAsync(dataDir, "show");
        var missingConfig = await QueueCli.RunAsync(dataDir, "--config", folder.Combine("nope.json"), "list");

        Assert.Equal(2, badState.ExitCode);
        Assert.Contains("--state: unknown state 'lost'", badState.StandardError);
        Assert.Equal(2, noCommand.ExitCode);
        Assert.Equal(2, unknownCommand.ExitCode);
        Assert.Contains("Unrecognized command or argument 'purge'", unknownCommand.StandardError);
        Assert.Equal(2, retryBoth.ExitCode);
        Assert.Equal(2, retryUid.ExitCode);
        Assert.Contains("not an instance id", retryUid.StandardError);
        Assert.Equal(2, showNothing.ExitCode);
        Assert.Equal(2, missingConfig.ExitCode);
        Assert.Contains("--config: no such file", missingConfig.StandardError);
        Assert.False(Directory.Exists(dataDir));
    }

    private static string QueueTimeText(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
