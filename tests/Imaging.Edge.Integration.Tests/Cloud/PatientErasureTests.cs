using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Cloud;

/// <summary>A patient with canary-unique identifiers, sent by one device.</summary>
internal sealed record CanaryPatient(string PatientId, string PatientName, string BirthDate, string StudyUid, IReadOnlyList<string> Files);

/// <summary>
/// Patient erasure end to end: the real gateway receives two patients' studies from storescu and uploads them to
/// s3rver; <c>imaging-edge erase-patient --cloud</c> then removes every trace of one (searched for in every file of
/// the data folder, the raw bytes of queue.db and its WAL included, and in the bucket) and leaves the other alone.
/// </summary>
public sealed class PatientErasureTests(S3rverFixture fixture, ITestOutputHelper output) : IClassFixture<S3rverFixture>
{
    private static readonly TimeSpan UploadTimeout = TimeSpan.FromSeconds(60);

    private S3rverProcess S3 => fixture.S3;

    /// <summary>Copies of a corpus file as one new study of one new patient (ID, name, birth date unique to this run).</summary>
    private static CanaryPatient Canary(string folder, string tag, int count)
    {
        var unique = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var patientId = $"CANARY{tag}{unique}";
        var name = $"CANARY{tag}^{unique}";
        var birthDate = "1901" + RandomNumberGenerator.GetInt32(1, 13).ToString("00", System.Globalization.CultureInfo.InvariantCulture) + "17";
        var study = SyntheticStudies.Write(folder, 1, count, new SyntheticPatient(patientId, name, birthDate, "HOSPITAL-TEST")).Single();
        return new CanaryPatient(patientId, name, birthDate, study.StudyUid, study.Files);
    }

    private static Task<ProcessResult> EraseAsync(S3GatewayScene scene, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "erase-patient", "--config", scene.ConfigFile, .. arguments],
            TimeSpan.FromSeconds(120), workingDirectory: scene.Root);

    /// <summary>Every file and folder name under the data folder holding the text (ASCII bytes), for the failure message.</summary>
    private static List<string> Traces(string folder, string text)
    {
        var needle = Encoding.ASCII.GetBytes(text);
        var found = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories))
        {
            if (Path.GetRelativePath(folder, entry).Contains(text, StringComparison.Ordinal)) found.Add(entry + " (name)");
            // The lock file (held by a running gateway) is empty and the control socket is not a file: nothing to read there.
            else if (File.Exists(entry) && Path.GetFileName(entry) is not ("gateway.lock" or "control.sock")
                     && File.ReadAllBytes(entry).AsSpan().IndexOf(needle) >= 0) found.Add(entry);
        }
        return found;
    }

    private static string PatientKey(string dataDir, string patientId)
    {
        var secret = File.ReadAllBytes(Path.Combine(dataDir, "site-secret"));
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("patient\n" + patientId))[..16]);
    }

    [Fact]
    public async Task Erase_patient_with_cloud_removes_every_trace_locally_and_in_the_bucket_and_nothing_of_another_patient()
    {
        await using var scene = new S3GatewayScene(S3, "site-erase");
        var canary = Canary(scene.Root + "/canary", "A", 3);
        var other = Canary(scene.Root + "/other", "B", 2);
        var configuration = scene.Configuration(stableStudySeconds: 1);
        await scene.StartAsync(configuration);
        await scene.SendAsync(canary.Files);
        await scene.SendAsync(other.Files);
        await scene.WaitForAllUploadedAsync(5, UploadTimeout);
        await scene.WaitForRowsAsync(_ => scene.ManifestUploadedVersion(canary.StudyUid) >= 1 && scene.ManifestUploadedVersion(other.StudyUid) >= 1,
            UploadTimeout, "both manifests uploaded");
        // Default keys name a study by its pseudonym (README, "Object keys").
        var canaryStudy = scene.StudyPseudonym(canary.StudyUid);
        var otherStudy = scene.StudyPseudonym(other.StudyUid);
        Assert.Contains(await S3.ListKeysAsync(scene.Site + "/"), k => k.Contains(canaryStudy, StringComparison.Ordinal));
        Assert.NotEmpty(Traces(scene.DataDir, canary.StudyUid)); // the search finds what is there
        await scene.StopAsync(kill: false);
        var otherFilesBefore = Directory.EnumerateFiles(Path.Combine(scene.DataDir, "studies"), "*", SearchOption.AllDirectories)
            .Where(f => f.Contains(other.StudyUid, StringComparison.Ordinal)).ToList();

        var erase = await EraseAsync(scene, "--patient-id", canary.PatientId, "--cloud", "--json");
        output.WriteLine(erase.Output);

        Assert.True(erase.ExitCode == 0, erase.Output);
        foreach (var secret in new[] { canary.PatientId, canary.PatientName, canary.BirthDate, canary.StudyUid })
            Assert.DoesNotContain(secret, erase.Output, StringComparison.Ordinal);
        var answer = JsonNode.Parse(erase.StandardOutput)!;
        Assert.Equal(3, answer["local"]!["instances"]!.GetValue<int>());
        Assert.Equal(1, answer["local"]!["studies"]!.GetValue<int>());
        Assert.True(answer["cloud"]!["objects"]!.GetValue<int>() >= 4, erase.Output); // 3 instances + the manifest
        Assert.True(answer["local"]!["walTruncated"]!.GetValue<bool>());

        // Locally: no file, folder name, database page or WAL frame holds the patient or the study.
        foreach (var secret in new[] { canary.PatientId, canary.PatientName.Replace("^", "^", StringComparison.Ordinal), canary.StudyUid })
        {
            var traces = Traces(scene.DataDir, secret);
            Assert.True(traces.Count == 0, $"'{secret}' is still in: {string.Join(", ", traces)}");
        }
        // In the bucket: no object or manifest of the study; the other patient's all there.
        var keys = await S3.ListKeysAsync(scene.Site + "/");
        Assert.DoesNotContain(keys, k => k.Contains(canaryStudy, StringComparison.Ordinal));
        Assert.Equal(3, keys.Count(k => k.Contains(otherStudy, StringComparison.Ordinal))); // 2 instances + manifest
        Assert.All(otherFilesBefore, f => Assert.True(File.Exists(f)));
        var rows = scene.Rows();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(other.StudyUid, r.StudyUid));

        // The audit row names the patient by its keyed hash only.
        var audit = QueueCli.AuditRows(scene.DataDir).Single(a => a.Action == "erase-patient");
        Assert.StartsWith("local:", audit.Actor, StringComparison.Ordinal);
        Assert.Contains(PatientKey(scene.DataDir, canary.PatientId), audit.Result, StringComparison.Ordinal);
        Assert.DoesNotContain(canary.PatientId, audit.Result, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();

        // Erasure is not a block-list: the same study sent again is stored and uploaded as new.
        await scene.StartAsync(configuration);
        await scene.SendAsync(canary.Files);
        var again = await scene.WaitForAllUploadedAsync(5, UploadTimeout);
        Assert.Equal(3, again.Count(r => r.StudyUid == canary.StudyUid));
        foreach (var row in again.Where(r => r.StudyUid == canary.StudyUid))
            Assert.True(await S3.ExistsAsync(row.ObjectKey!), row.ObjectKey);
    }

    [Fact]
    public async Task Erase_patient_beside_a_running_gateway_cancels_pending_uploads_when_the_bucket_is_unreachable()
    {
        await using var scene = new S3GatewayScene(S3, "site-erase-pending");
        var canary = Canary(scene.Root + "/canary", "C", 2);
        var other = Canary(scene.Root + "/other", "D", 1);
        var configuration = scene.Configuration();
        configuration["Upload"]!["S3"]!["ServiceUrl"] = $"http://127.0.0.1:{GatewayProcess.FreePort()}"; // nothing listens there
        await scene.StartAsync(configuration);
        await scene.SendAsync(canary.Files);
        await scene.SendAsync(other.Files);
        await scene.WaitForRowsAsync(rows => rows.Count == 3 && rows.All(r => r.State is "pending" or "uploading"), UploadTimeout, "3 rows waiting");

        var erase = await EraseAsync(scene, "--patient-id", canary.PatientId);
        output.WriteLine(erase.Output);

        Assert.True(erase.ExitCode == 0, erase.Output);
        Assert.Contains("2 pending/failed uploads cancelled", erase.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("a gateway is running", erase.StandardOutput, StringComparison.Ordinal);
        var rows = scene.Rows();
        Assert.Equal(other.StudyUid, Assert.Single(rows).StudyUid);
        Assert.Empty(Traces(Path.Combine(scene.DataDir, "studies"), canary.StudyUid));
        Assert.DoesNotContain(canary.PatientId, scene.Output, StringComparison.Ordinal);

        // A second erasure of the same patient finds nothing: exit 1, still audited.
        var again = await EraseAsync(scene, "--patient-id", canary.PatientId);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(2, QueueCli.AuditRows(scene.DataDir).Count(a => a.Action == "erase-patient"));

        // With --cloud and the bucket unreachable the erasure cannot finish: the rows stay held (never uploaded), and
        // the running gateway's status tells ops what to do.
        var unfinished = await EraseAsync(scene, "--patient-id", other.PatientId, "--cloud");
        Assert.NotEqual(0, unfinished.ExitCode);
        Assert.Equal("erasing", Assert.Single(scene.Rows()).State);
        var status = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "status", "--json", "--config", scene.ConfigFile],
            TimeSpan.FromSeconds(60), workingDirectory: scene.Root);
        Assert.Contains("\"erasing\": 1", status.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("held by an unfinished erasure", status.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"degraded\"", status.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multi_object_delete_sends_content_md5_and_removes_the_objects()
    {
        await using var proxy = new FaultProxy(S3.Port);
        using var folder = new TemporaryDirectory();
        var file = Path.Combine(folder.Path, "body");
        await File.WriteAllBytesAsync(file, Encoding.ASCII.GetBytes("erase me"));
        using var store = new S3ObjectStore(new S3StoreOptions
        {
            ServiceUrl = proxy.Url, Bucket = S3.Bucket, PathStyle = true, Region = S3rverProcess.Region,
            AccessKey = S3rverProcess.AccessKey, SecretKey = S3rverProcess.SecretKey,
        }, "primary");
        var keys = Enumerable.Range(0, 3).Select(i => $"md5-test/{i}.dcm").ToList();
        foreach (var key in keys)
            await store.PutAsync(key, new ObjectContent(file, 0, 8, MD5.HashData(Encoding.ASCII.GetBytes("erase me"))), new Dictionary<string, string>(), default);

        var result = await ((IObjectStore)store).DeleteManyAsync([.. keys, "md5-test/never-there.dcm"], default);

        Assert.Equal(4, result.Deleted.Count);
        Assert.Empty(result.Errors);
        Assert.Empty(await S3.ListKeysAsync("md5-test/"));
        var posts = proxy.Heads.Where(h => h.StartsWith("POST ", StringComparison.Ordinal) && h.Contains("?delete", StringComparison.Ordinal)).ToList();
        foreach (var post in posts) output.WriteLine(post);
        // Every attempt (the SDK may retry one) carries the header, signed with the rest.
        Assert.NotEmpty(posts);
        foreach (var head in posts)
        {
            var lines = head.Split("\r\n");
            var md5 = lines.SingleOrDefault(l => l.StartsWith("Content-MD5:", StringComparison.OrdinalIgnoreCase));
            Assert.True(md5 is not null, "no Content-MD5 on DeleteObjects:\n" + head);
            Assert.Equal(16, Convert.FromBase64String(md5!["Content-MD5:".Length..].Trim()).Length);
            Assert.Contains("content-md5", lines.Single(l => l.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase)), StringComparison.OrdinalIgnoreCase);
        }
    }
}
