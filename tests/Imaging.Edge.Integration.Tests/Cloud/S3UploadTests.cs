using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Cloud;

/// <summary>
/// The real gateway uploading to a real S3-protocol server (s3rver): objects read back byte for byte, their metadata
/// (and nothing patient-related), multipart and its resume after SIGKILL, permanent failures and retry, manifests.
/// </summary>
public sealed partial class S3UploadTests(S3rverFixture fixture, ITestOutputHelper output) : IClassFixture<S3rverFixture>
{
    private static readonly TimeSpan UploadTimeout = TimeSpan.FromSeconds(30);
    private static readonly HashSet<string> AllowedMetadata = ["sha256", "sop-class", "transfer-syntax", "gateway"];

    private S3rverProcess S3 => fixture.S3;

    [Fact]
    public async Task Small_instances_are_uploaded_byte_identical_with_metadata()
    {
        await using var scene = new S3GatewayScene(S3, "site-small");
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), scene.Root + "/sources", 5);
        var sent = CloudInstances.Identify(files).ToDictionary(i => i.SopInstanceUid, StringComparer.Ordinal);
        await scene.StartAsync(scene.Configuration());

        await scene.SendAsync(files);
        var rows = await scene.WaitForAllUploadedAsync(files.Count, UploadTimeout);

        foreach (var row in rows)
        {
            var identity = sent[row.SopInstanceUid];
            // The default key names no UID: the study's pseudonym and the file's SHA-256 (README, "Object keys").
            var expectedKey = $"{scene.Site}/{scene.Gateway}/{scene.StudyPseudonym(identity.StudyUid)}/{Convert.ToHexStringLower(row.Sha256)}.dcm";
            Assert.Equal(expectedKey, row.ObjectKey);
            Assert.DoesNotContain(identity.SopInstanceUid, row.ObjectKey, StringComparison.Ordinal);
            await AssertStoredIdenticalAsync(scene, row, identity);
        }
        var listed = await S3.ListKeysAsync(scene.Site + "/");
        Assert.Equal(rows.Select(r => r.ObjectKey!).Order(StringComparer.Ordinal), listed.Where(k => k.EndsWith(".dcm", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Large_instance_goes_multipart_and_reads_back_identical()
    {
        await using var scene = new S3GatewayScene(S3, "site-large");
        var file = CloudInstances.Large(scene.Root + "/sources", 40);
        var identity = CloudInstances.Identify([file]).Single();
        await scene.StartAsync(scene.Configuration(upload: u =>
        {
            u["MultipartThresholdMegabytes"] = 5;
            u["PartSizeMegabytes"] = 5;
        }));

        // A multipart object's ETag says "-N" on S3, but s3rver returns the plain MD5 (ARCHITECTURE.md): the parts are
        // seen instead in s3rver's folder of pending uploads while the upload runs.
        using var stopWatching = new CancellationTokenSource();
        var watching = S3.WatchPartFilesAsync(stopWatching.Token);
        QueueRow row;
        try
        {
            await scene.SendAsync([file]);
            row = (await scene.WaitForAllUploadedAsync(1, UploadTimeout)).Single();
        }
        finally
        {
            await stopWatching.CancelAsync();
        }
        var partsSeen = await watching;

        Assert.True(row.Size > 40L * 1024 * 1024, $"the instance is only {row.Size} bytes");
        await AssertStoredIdenticalAsync(scene, row, identity);
        var expectedParts = (int)((row.Size + 5L * 1024 * 1024 - 1) / (5L * 1024 * 1024));
        output.WriteLine($"{row.Size} bytes; part files seen in s3rver: {string.Join(", ", partsSeen.Order())} of {expectedParts}");
        Assert.True(partsSeen.Count >= 2 && partsSeen.All(p => p >= 1 && p <= expectedParts),
            $"expected a multipart upload of {expectedParts} parts; part files seen: [{string.Join(", ", partsSeen.Order())}]");
        Assert.Null(row.Checkpoint); // cleared on completion
    }

    [Fact]
    public async Task Killed_mid_multipart_resumes_without_resending_done_parts()
    {
        const int PartMegabytes = 5;
        await using var scene = new S3GatewayScene(S3, "site-resume");
        var file = CloudInstances.Large(scene.Root + "/sources", 60);
        var identity = CloudInstances.Identify([file]).Single();
        var size = new FileInfo(file).Length;
        var multipart = (Action<JsonObject>)(u =>
        {
            u["MultipartThresholdMegabytes"] = 5;
            u["PartSizeMegabytes"] = PartMegabytes;
            u["PartConcurrency"] = 1;
            u["Concurrency"] = 1;
        });
        await scene.StartAsync(scene.Configuration(upload: u =>
        {
            multipart(u);
            // 40 Mbit/s = 5 MB/s: one part a second, ~12 s for the whole object.
            u["BandwidthSchedule"] = new JsonArray(new JsonObject { ["From"] = "00:00", ["To"] = "23:59", ["MegabitsPerSecond"] = 40 });
        }));

        await scene.SendAsync([file]);
        await scene.WaitForRowsAsync(rows => rows.Count == 1 && S3GatewayScene.CheckpointParts(rows[0]) >= 3, UploadTimeout, "3 parts checkpointed");
        await scene.StopAsync(kill: true);

        var killed = scene.Rows().Single();
        var partsBeforeKill = S3GatewayScene.CheckpointParts(killed);
        var totalParts = (int)((size + PartMegabytes * 1024L * 1024 - 1) / (PartMegabytes * 1024L * 1024));
        output.WriteLine($"killed with {partsBeforeKill} of {totalParts} parts checkpointed (state {killed.State})");
        Assert.NotEqual("uploaded", killed.State);
        Assert.True(partsBeforeKill < totalParts, "the upload finished before the kill: the test proved nothing");

        // What the store itself says about the interrupted upload (the product resumes from this listing).
        string listParts, uploadId;
        using (var checkpoint = JsonDocument.Parse(killed.Checkpoint!))
        {
            uploadId = checkpoint.RootElement.GetProperty("UploadId").GetString()!;
            try
            {
                var listing = await S3.Client.ListPartsAsync(new ListPartsRequest
                {
                    BucketName = S3.Bucket,
                    Key = checkpoint.RootElement.GetProperty("Key").GetString(),
                    UploadId = checkpoint.RootElement.GetProperty("UploadId").GetString(),
                });
                listParts = $"{listing.Parts?.Count ?? 0} parts listed";
            }
            catch (AmazonS3Exception e)
            {
                listParts = $"{(int)e.StatusCode} {e.ErrorCode}";
            }
        }
        output.WriteLine($"s3rver ListParts of the interrupted upload: {listParts}");

        // The parts done before the kill, as s3rver holds them: watched while the upload resumes, any rewrite is a part sent again.
        var doneParts = Enumerable.Range(1, partsBeforeKill).ToDictionary(n => n, n => File.GetLastWriteTimeUtc(S3.PartFile(uploadId, n)));
        Assert.True(doneParts.Values.All(t => t.Year > 1601), $"s3rver does not hold the {partsBeforeKill} checkpointed parts of upload {uploadId}");
        var resent = new HashSet<int>();
        using var stopWatching = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2); // bounded even if the test fails before cancelling
            while (!stopWatching.IsCancellationRequested && DateTime.UtcNow < deadline)
            {
                foreach (var (number, written) in doneParts)
                {
                    var now = File.GetLastWriteTimeUtc(S3.PartFile(uploadId, number));
                    if (now.Year > 1601 && now != written) lock (resent) resent.Add(number);
                }
                await Task.Delay(20);
            }
        });

        try
        {
            await scene.StartAsync(scene.Configuration(upload: multipart));
            var row = (await scene.WaitForRowsAsync(rows => rows.Count == 1 && rows[0].State is "uploaded" or "failed", UploadTimeout, "uploaded or failed")).Single();
            // s3rver 3.7.1 has no ListParts (GET ?uploadId -> 405 MethodNotAllowed): the uploader then resumes from the parts
            // its own checkpoint recorded, and completion plus verification catch a part the store does not really hold.
            Assert.True(row.State == "uploaded",
                $"after the restart the instance is {row.State}: {row.LastError} (checkpoint kept: {S3GatewayScene.CheckpointParts(row)} parts; " +
                $"s3rver's answer to ListParts: {listParts})\n--- gateway ---\n{scene.Output}");

            await AssertStoredIdenticalAsync(scene, row, identity);
            lock (resent) Assert.True(resent.Count == 0, $"parts done before the kill were sent again: {string.Join(", ", resent.Order())}");
            // s3rver cannot count PUT part requests; the gateway also says how many parts it found and did not send again.
            var resumed = ResumedLine().Matches(scene.Output).Select(m => (Done: int.Parse(m.Groups[1].Value), Total: int.Parse(m.Groups[2].Value))).ToList();
            Assert.True(resumed.Count >= 1, $"no 'Multipart upload resumed' line after the restart:\n{scene.Output}");
            Assert.Equal(totalParts, resumed[0].Total);
            Assert.True(resumed[0].Done >= partsBeforeKill,
                $"the resumed upload reused {resumed[0].Done} parts, {partsBeforeKill} were checkpointed before the kill:\n{scene.Output}");
        }
        finally
        {
            await stopWatching.CancelAsync();
            await watching;
        }
    }

    [Fact]
    public async Task Wrong_bucket_fails_permanently_and_retry_works_once_fixed()
    {
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), Path.Combine(Path.GetTempPath(), "imaging-edge-tests", Guid.NewGuid().ToString("N")), 4);
        try
        {
            // 1. A bucket that does not exist: NoSuchBucket is permanent, the row goes to failed and stays there.
            const string missingBucket = "not-created-yet";
            await using (var scene = new S3GatewayScene(S3, "site-bucket"))
            {
                await scene.StartAsync(scene.Configuration(bucket: missingBucket));
                await scene.SendAsync([files[0]]);
                var failed = (await scene.WaitForRowsAsync(rows => rows.Count == 1 && rows[0].State == "failed", UploadTimeout, "row failed")).Single();
                Assert.Contains("NoSuchBucket", failed.LastError ?? "", StringComparison.Ordinal);
                // Ops hear of it as the event docs/telemetry.md describes (without a broker, the console gets it):
                // the study's pseudonym, the queue row and the store's code.
                var expected = "Event upload.failed \\d+: \\{\"study\":\"[0-9a-f]{32}\",\"instance\":" + failed.Id
                    + ",\"error\":\"NoSuchBucket \\(404\\) from the object store\"\\}";
                var reported = false;
                for (var i = 0; i < 50 && !(reported = System.Text.RegularExpressions.Regex.IsMatch(scene.Output, expected)); i++)
                    await Task.Delay(100);
                Assert.True(reported, scene.Output);

                // Fixed: a later instance goes up, and the failed one is not retried on its own — only by a person.
                await S3.Client.PutBucketAsync(new PutBucketRequest { BucketName = missingBucket });
                await AssertStaysFailedWhileAnotherUploadsAsync(scene, failed, files[2]);
                var retry = await scene.QueueCliAsync("retry", "--all-failed");
                Assert.True(retry.ExitCode == 0, retry.Output);
                var row = (await scene.WaitForAllUploadedAsync(2, UploadTimeout)).Single(r => r.Id == failed.Id);
                var identity = CloudInstances.Identify([files[0]]).Single();
                await AssertStoredIdenticalAsync(scene, row, identity, missingBucket);
            }

            // 2. Wrong credentials. s3rver 3.7.1 checks the access key id (InvalidAccessKeyId) but does not verify SigV4
            // signatures at all (lib/middleware/authentication.js: "Signature version 4 calculation is unimplemented"), so a
            // wrong *secret* key cannot be tested against it; that half is replaced by the explicit check below, which fails
            // (and asks for the half to be written) the day s3rver starts verifying signatures.
            using (var wrongSecret = S3.CreateClient(S3rverProcess.AccessKey, "NOT-THE-SECRET"))
            {
                var accepted = await wrongSecret.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3.Bucket, MaxKeys = 1 });
                Assert.True(accepted.HttpStatusCode == System.Net.HttpStatusCode.OK,
                    "s3rver now rejects a wrong secret key: add the wrong-secret half (expect SignatureDoesNotMatch -> failed)");
                output.WriteLine("wrong secret key: not testable, s3rver 3.7.1 does not verify SigV4 signatures (checked: a wrong secret is accepted)");
            }
            await using (var scene = new S3GatewayScene(S3, "site-credentials"))
            {
                await File.WriteAllTextAsync(scene.AccessKeyFile, "NOT-THE-ACCESS-KEY");
                await scene.StartAsync(scene.Configuration());
                await scene.SendAsync([files[1]]);
                var failed = (await scene.WaitForRowsAsync(rows => rows.Count == 1 && rows[0].State == "failed", UploadTimeout, "row failed")).Single();
                // The first call is the HEAD that looks for an object already under the key, and a HEAD's answer has no
                // body: the store's code is then only the status's (Forbidden), as permanent as InvalidAccessKeyId.
                Assert.True(failed.LastError is { } e && (e.Contains("InvalidAccessKeyId", StringComparison.Ordinal) || e.Contains("SignatureDoesNotMatch", StringComparison.Ordinal)
                    || e.StartsWith("Forbidden (403)", StringComparison.Ordinal)),
                    $"last_error: {failed.LastError}");

                // Keys are read at start-up: fix the file, restart; a later instance goes up, the failed one waits for retry.
                await File.WriteAllTextAsync(scene.AccessKeyFile, S3rverProcess.AccessKey);
                await scene.StartAsync(scene.Configuration());
                await AssertStaysFailedWhileAnotherUploadsAsync(scene, failed, files[3]);
                var retry = await scene.QueueCliAsync("retry", "--all-failed");
                Assert.True(retry.ExitCode == 0, retry.Output);
                var row = (await scene.WaitForAllUploadedAsync(2, UploadTimeout)).Single(r => r.Id == failed.Id);
                await AssertStoredIdenticalAsync(scene, row, CloudInstances.Identify([files[1]]).Single());
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(files[0])!, recursive: true);
        }
    }

    [Fact]
    public async Task Stable_study_gets_a_manifest_and_a_reopened_study_a_new_version()
    {
        await using var scene = new S3GatewayScene(S3, "site-manifest");
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), scene.Root + "/first", 3);
        var identities = CloudInstances.Identify(files);
        var study = identities[0].StudyUid;
        await scene.StartAsync(scene.Configuration(stableStudySeconds: 1));

        await scene.SendAsync(files);
        var rows = await scene.WaitForAllUploadedAsync(3, UploadTimeout);
        var first = await WaitForManifestUploadedAsync(scene, study, atLeast: 1);
        if (first != 1)
        {
            // The study was declared stable between two instances of the first association (a loaded machine, 1 s of
            // quiet): version 1 was allocated then, never uploaded (instances were still pending), and the study reopened.
            output.WriteLine($"NOTE: the first manifest in the bucket is v{first}: versions allocated at stability, not at upload, leave gaps");
        }
        var prefix = $"{scene.Site}/{scene.Gateway}/{scene.StudyPseudonym(study)}";
        var v1 = await WaitForManifestAsync(scene, $"{prefix}/manifest.v{first}.json");
        await AssertManifestAsync(v1, first, rows, identities);

        var later = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), scene.Root + "/later", 1);
        identities = [.. identities, .. CloudInstances.Identify(later)];
        Assert.Equal(study, identities[^1].StudyUid);
        await scene.SendAsync(later);
        rows = await scene.WaitForAllUploadedAsync(4, UploadTimeout);
        var second = await WaitForManifestUploadedAsync(scene, study, atLeast: first + 1);
        Assert.Equal(first + 1, second);
        var v2 = await WaitForManifestAsync(scene, $"{prefix}/manifest.v{second}.json");
        await AssertManifestAsync(v2, second, rows, identities);
        Assert.True(await S3.ExistsAsync($"{prefix}/manifest.v{first}.json"), $"manifest.v{first}.json is gone after v{second}");
    }

    /// <summary>
    /// A permanently failed row is not retried on its own: while the store works again and the workers upload a later
    /// instance (a condition, not a time), the failed row keeps its state and reason. A row postponed instead of failed
    /// would be pending here, and one retried would be uploading or uploaded.
    /// </summary>
    private static async Task AssertStaysFailedWhileAnotherUploadsAsync(S3GatewayScene scene, QueueRow failed, string later)
    {
        await scene.SendAsync([later]);
        var rows = await scene.WaitForRowsAsync(rows => rows.Any(r => r.Id != failed.Id && r.State == "uploaded"), UploadTimeout, "a later instance uploaded");
        var still = rows.Single(r => r.Id == failed.Id);
        Assert.Equal(("failed", failed.LastError), (still.State, still.LastError));
    }

    /// <summary>Waits until queue.db records a manifest of at least that version in the bucket; returns the version.</summary>
    private static async Task<int> WaitForManifestUploadedAsync(S3GatewayScene scene, string studyUid, int atLeast)
    {
        var version = 0;
        await scene.WaitForRowsAsync(_ => (version = scene.ManifestUploadedVersion(studyUid)) >= atLeast, TimeSpan.FromSeconds(20),
            $"manifest v{atLeast} or later recorded as uploaded");
        return version;
    }

    /// <summary>The object under the row's key: the stored local file byte for byte (GET and s3rver's own file), with exactly the gateway's metadata.</summary>
    private async Task AssertStoredIdenticalAsync(S3GatewayScene scene, QueueRow row, InstanceIdentity identity, string? bucket = null)
    {
        Assert.NotNull(row.ObjectKey);
        var local = await scene.LocalFileAsync(row, TimeSpan.FromSeconds(20));
        var sha = Convert.ToHexStringLower(SHA256.HashData(local));
        Assert.Equal(Convert.ToHexStringLower(row.Sha256), sha);

        var served = await S3.ReadObjectAsync(row.ObjectKey, bucket);
        Assert.True(served.Length == local.Length, $"{row.ObjectKey}: s3rver serves {served.Length} bytes, the local file has {local.Length}");
        Assert.True(served.AsSpan().SequenceEqual(local), $"{row.ObjectKey}: the object's bytes differ from the local file");
        var onDisk = S3.ObjectFile(row.ObjectKey, bucket);
        Assert.True(File.Exists(onDisk), $"no s3rver file {onDisk}");
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(onDisk))));

        var metadata = await S3.MetadataAsync(row.ObjectKey, bucket);
        Assert.Equal(AllowedMetadata.Order(StringComparer.Ordinal), metadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(sha, metadata["sha256"]);
        Assert.Equal(scene.Gateway, metadata["gateway"]);
        using (var stored = new MemoryStream(local))
        {
            var meta = Part10Reader.ReadHeader(stored).Meta;
            Assert.Equal(meta.MediaStorageSopClassUid, metadata["sop-class"]);
            Assert.Equal(meta.TransferSyntaxUid, metadata["transfer-syntax"]);
        }
        AssertNoPatientData(identity, string.Join("\n", metadata.Values), $"metadata of {row.ObjectKey}");
        var metadataFile = S3.MetadataFile(row.ObjectKey, bucket);
        if (File.Exists(metadataFile))
            AssertNoPatientData(identity, await File.ReadAllTextAsync(metadataFile), $"s3rver's metadata file of {row.ObjectKey}");
    }

    private static void AssertNoPatientData(InstanceIdentity identity, string text, string where)
    {
        Assert.False(string.IsNullOrEmpty(identity.PatientName) || string.IsNullOrEmpty(identity.PatientId), "the test file has no patient name or ID to look for");
        foreach (var value in new[] { identity.PatientName, identity.PatientId, identity.PatientName.Replace('^', ' ') }.Concat(identity.PatientName.Split('^', StringSplitOptions.RemoveEmptyEntries)))
            Assert.False(text.Contains(value, StringComparison.OrdinalIgnoreCase), $"{where} contains patient data '{value}'");
    }

    private async Task<JsonNode> WaitForManifestAsync(S3GatewayScene scene, string key)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (await S3.ExistsAsync(key))
            {
                var bytes = await S3.ReadObjectAsync(key);
                output.WriteLine($"{key}: {bytes.Length} bytes");
                return JsonNode.Parse(bytes)!;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"{key} did not appear within 20 s; keys: {string.Join(", ", await S3.ListKeysAsync(scene.Site + "/"))}\n--- gateway ---\n{scene.Output}");
        return null!;
    }

    private async Task AssertManifestAsync(JsonNode manifest, int version, IReadOnlyList<QueueRow> rows, IReadOnlyList<InstanceIdentity> identities)
    {
        Assert.Equal(version, manifest["version"]!.GetValue<int>());
        Assert.Equal(identities[0].StudyUid, manifest["studyInstanceUid"]!.GetValue<string>());
        var counts = manifest["counts"]!;
        Assert.Equal(rows.Count, counts["instances"]!.GetValue<int>());
        Assert.Equal(rows.Count, counts["uploaded"]!.GetValue<int>());
        Assert.Equal(0, counts["failed"]!.GetValue<int>());
        Assert.Equal(1, counts["series"]!.GetValue<int>());
        Assert.Equal(rows.Sum(r => r.Size), counts["bytes"]!.GetValue<long>());

        var listed = manifest["series"]!.AsArray().SelectMany(s => s!["instances"]!.AsArray()).ToDictionary(
            i => i!["sopInstanceUid"]!.GetValue<string>(), i => i!, StringComparer.Ordinal);
        Assert.Equal(rows.Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            var entry = listed[row.SopInstanceUid];
            // The stored object, not the local file: an instance uploaded from its queued bytes may be in the bucket
            // before its file is written (the file writer gives way to associations), and the manifest is about the bucket.
            var objectSha = Convert.ToHexStringLower(SHA256.HashData(await S3.ReadObjectAsync(row.ObjectKey!)));
            Assert.Equal(objectSha, entry["sha256"]!.GetValue<string>());
            Assert.Equal(row.ObjectKey, entry["key"]!.GetValue<string>());
            Assert.Equal(row.Size, entry["size"]!.GetValue<long>());
        }
        var text = manifest.ToJsonString();
        foreach (var identity in identities)
            AssertNoPatientData(identity, text, $"manifest v{version}");
    }

    [GeneratedRegex(@"Multipart upload resumed on primary(?: from [^:]*)?: (\d+) of (\d+) parts already there")]
    private static partial Regex ResumedLine();
}
