using System.Security.Cryptography;
using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Cli;

/// <summary>
/// <c>imaging-edge erase-patient</c>, the real executable, on a data folder filled by the real receiver from dcmtk's
/// storescu: what it refuses (placeholder IDs), what <c>--dry-run</c> reports, how issuers match, that the file store
/// inside the data folder is erased without <c>--cloud</c>, and that a Study UID spelled like the folder of instances
/// without one cannot make an erasure take another patient's files.
/// </summary>
public sealed class ErasePatientCommandLineTests(ITestOutputHelper output)
{
    /// <summary>One instance of a patient: explicit VR little endian, with the elements the gateway reads, in tag order.</summary>
    private static string Instance(string folder, string patientId, string? issuer, string? studyUid)
    {
        var sop = RawDataSet.NewUid();
        var parts = new List<byte[]>
        {
            RawDataSet.Uid(0x0008, 0x0016, RawDicomConnection.CtImageStorage),
            RawDataSet.Uid(0x0008, 0x0018, sop),
            RawDataSet.Text(0x0008, 0x0060, "CS", "CT"),
            RawDataSet.Text(0x0010, 0x0020, "LO", patientId),
        };
        if (issuer is not null) parts.Add(RawDataSet.Text(0x0010, 0x0021, "LO", issuer));
        if (studyUid is not null) parts.Add(RawDataSet.Uid(0x0020, 0x000D, studyUid));
        parts.Add(RawDataSet.Uid(0x0020, 0x000E, RawDataSet.NewUid()));
        Directory.CreateDirectory(folder);
        return RawDataSet.WritePart10(Path.Combine(folder, sop + ".dcm"), RawDicomConnection.CtImageStorage, sop, [.. parts.SelectMany(p => p)]);
    }

    private static string SopOf(string file) => Path.GetFileNameWithoutExtension(file);

    private async Task SendAsync(ReceiverUnderTest receiver, params string[] files)
    {
        var store = await Dcmtk.StoreAsync(receiver, files);
        output.WriteLine(store.Output);
        Assert.True(store.ExitCode == 0, store.Output);
        Assert.All(files, f => receiver.ReceivedFile(SopOf(f)));
    }

    private async Task<ProcessResult> EraseAsync(string dataDir, params string[] arguments)
    {
        using var workingDirectory = new TemporaryDirectory();
        var result = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "erase-patient", .. arguments], TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["IMAGING_EDGE__Gateway__DataDir"] = dataDir }, workingDirectory.Path);
        output.WriteLine(result.Output);
        SqliteConnection.ClearAllPools();
        return result;
    }

    private static long Rows(ReceiverUnderTest receiver) =>
        receiver.Queue.Queries.List([InstanceStates.Pending, InstanceStates.Uploading, InstanceStates.Failed, InstanceStates.Uploaded, InstanceStates.Erasing]).Count;

    [Fact]
    public async Task A_study_uid_spelled_no_study_gets_its_own_folder_and_erasing_its_patient_leaves_instances_without_a_study_uid()
    {
        using var folder = new TemporaryDirectory();
        var withLiteralUid = Instance(folder.Combine("send"), "ALIAS-PATIENT-A", null, "no-study");
        var withoutUid = Instance(folder.Combine("send"), "ALIAS-PATIENT-B", null, null);
        string dataDir, fileA, fileB;
        await using (var receiver = new ReceiverUnderTest(dataDir: folder.Combine("var")))
        {
            await SendAsync(receiver, withLiteralUid, withoutUid);
            fileA = receiver.ReceivedFile(SopOf(withLiteralUid));
            fileB = receiver.ReceivedFile(SopOf(withoutUid));
            dataDir = receiver.Layout.Root;
        }
        Assert.NotEqual(Path.GetDirectoryName(fileA), Path.GetDirectoryName(fileB));

        // The gateway is stopped: the erasure also sweeps files no row names in the studies it empties.
        var erase = await EraseAsync(dataDir, "--patient-id", "ALIAS-PATIENT-A");

        Assert.True(erase.ExitCode == 0, erase.Output);
        Assert.DoesNotContain("gateway is running", erase.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(fileA));
        Assert.True(File.Exists(fileB), "the erasure of one patient deleted another patient's instance");
    }

    [Fact]
    public async Task A_placeholder_id_is_refused_dry_run_changes_nothing_and_force_placeholder_erases()
    {
        using var folder = new TemporaryDirectory();
        await using var receiver = new ReceiverUnderTest(dataDir: folder.Combine("var"));
        var unknown1 = Instance(folder.Combine("send"), "UNKNOWN", null, RawDataSet.NewUid());
        var unknown2 = Instance(folder.Combine("send"), "UNKNOWN", null, RawDataSet.NewUid());
        var real = Instance(folder.Combine("send"), "PID-REAL-0001", null, RawDataSet.NewUid());
        await SendAsync(receiver, unknown1, unknown2, real);
        var pseudonyms = receiver.Queue.Queries.List([InstanceStates.Pending]).Where(r => r.SopInstanceUid != SopOf(real)).Select(r => r.StudyPseudonym).ToList();
        var bytes = new FileInfo(receiver.ReceivedFile(SopOf(unknown1))).Length + new FileInfo(receiver.ReceivedFile(SopOf(unknown2))).Length;

        var refused = await EraseAsync(receiver.Layout.Root, "--patient-id", "UNKNOWN");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("placeholder", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("--force-placeholder", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, Rows(receiver));

        var dryRun = await EraseAsync(receiver.Layout.Root, "--patient-id", "UNKNOWN", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.Output);
        Assert.Contains($"would erase 2 instances ({bytes} bytes, 2 files) in 2 studies", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.All(pseudonyms, p => Assert.Contains(p, dryRun.StandardOutput, StringComparison.Ordinal));
        Assert.Contains("nothing was changed", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("UNKNOWN", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(3, Rows(receiver));
        Assert.True(File.Exists(receiver.ReceivedFile(SopOf(unknown1))));
        Assert.Empty(QueueCli.AuditRows(receiver.Layout.Root));

        var forced = await EraseAsync(receiver.Layout.Root, "--patient-id", "UNKNOWN", "--force-placeholder");
        Assert.True(forced.ExitCode == 0, forced.Output);
        Assert.Equal(SopOf(real), Assert.Single(receiver.Queue.Queries.List([InstanceStates.Pending])).SopInstanceUid);
        Assert.Single(QueueCli.AuditRows(receiver.Layout.Root));
    }

    [Fact]
    public async Task An_issuer_matches_exactly_unless_issuer_optional_is_given()
    {
        using var folder = new TemporaryDirectory();
        await using var receiver = new ReceiverUnderTest(dataDir: folder.Combine("var"));
        var study = RawDataSet.NewUid();
        var fromA = Instance(folder.Combine("send"), "PID-ISSUER-77", "HOSPITAL-A", study);
        var fromB = Instance(folder.Combine("send"), "PID-ISSUER-77", "HOSPITAL-B", study);
        var none = Instance(folder.Combine("send"), "PID-ISSUER-77", null, study);
        await SendAsync(receiver, fromA, fromB, none);

        var exact = await EraseAsync(receiver.Layout.Root, "--patient-id", "PID-ISSUER-77", "--issuer", "HOSPITAL-A");
        Assert.True(exact.ExitCode == 0, exact.Output);
        Assert.Equal(new[] { SopOf(fromB), SopOf(none) }.Order(StringComparer.Ordinal),
            receiver.Queue.Queries.List([InstanceStates.Pending]).Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal));

        var optional = await EraseAsync(receiver.Layout.Root, "--patient-id", "PID-ISSUER-77", "--issuer", "HOSPITAL-A", "--issuer-optional");
        Assert.True(optional.ExitCode == 0, optional.Output);
        Assert.Equal(SopOf(fromB), Assert.Single(receiver.Queue.Queries.List([InstanceStates.Pending])).SopInstanceUid);
    }

    [Fact]
    public async Task Without_cloud_the_copies_in_the_file_store_inside_the_data_folder_are_erased()
    {
        using var folder = new TemporaryDirectory();
        await using var receiver = new ReceiverUnderTest(dataDir: folder.Combine("var"));
        var patient = Instance(folder.Combine("send"), "PID-ONBOX-4242", null, RawDataSet.NewUid());
        var other = Instance(folder.Combine("send"), "PID-ONBOX-5353", null, RawDataSet.NewUid());
        await SendAsync(receiver, patient, other);
        // Uploaded as the gateway does with no Upload section: to the file store {DataDir}/cloud, named "file".
        var cloud = Path.Combine(receiver.Layout.Root, "cloud");
        var store = new FileSystemObjectStore(cloud);
        var keys = ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default);
        receiver.Materializer.MaterializeAll(); // an instance is leased once its file is written
        while (receiver.Queue.Leases.Lease("test", TimeSpan.FromMinutes(5)) is { } row)
        {
            var key = keys.KeyFor(new ObjectKeyValues("site", "gateway", row.StudyUid, row.StudyPseudonym, row.SeriesUid ?? "", row.SopInstanceUid, row.Version, row.Sha256));
            var path = receiver.Layout.Absolute(row.LocalPath);
            await store.PutAsync(key, new ObjectContent(path, 0, row.Size, MD5.HashData(await File.ReadAllBytesAsync(path))), new Dictionary<string, string>(), default);
            Assert.True(receiver.Queue.Leases.MarkUploaded(row.Id, "test", key, store.Name, null));
        }
        Assert.Contains(Directory.EnumerateFiles(cloud, "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains("PID-ONBOX-4242", StringComparison.Ordinal));

        var erase = await EraseAsync(receiver.Layout.Root, "--patient-id", "PID-ONBOX-4242");

        Assert.True(erase.ExitCode == 0, erase.Output);
        var left = Directory.EnumerateFiles(cloud, "*", SearchOption.AllDirectories).ToList();
        Assert.DoesNotContain(left, f => File.ReadAllText(f).Contains("PID-ONBOX-4242", StringComparison.Ordinal));
        Assert.Contains(left, f => File.ReadAllText(f).Contains("PID-ONBOX-5353", StringComparison.Ordinal));
        Assert.Contains("local store", erase.StandardOutput, StringComparison.Ordinal);
    }
}
