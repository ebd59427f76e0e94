using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Cloud;

/// <summary>
/// Several gateways of one site, one bucket (issue 10, item 2): two real gateway processes receive the same SOP
/// Instance UID with different bytes. Nothing may be lost: both copies stay byte for byte, both manifests are there,
/// and one gateway's orphan sweep leaves the other's pending multipart upload alone.
/// </summary>
public sealed class SharedBucketTests(S3rverFixture fixture, ITestOutputHelper output) : IClassFixture<S3rverFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private S3rverProcess S3 => fixture.S3;

    /// <summary>
    /// With the default template the gateways' keys differ by themselves; with a template that does not name the
    /// gateway (the old default) both want one key, and the second finds the first's bytes there (HEAD) and keeps them.
    /// </summary>
    [Theory]
    [InlineData("default", null)]
    [InlineData("uids", "{site}/{study}/{series}/{instance}.dcm")]
    public async Task Two_gateways_keep_both_versions_of_one_instance_and_both_manifests(string name, string? template)
    {
        var site = "site-shared-" + name;
        await using var a = new S3GatewayScene(S3, site, "gw-a");
        await using var b = new S3GatewayScene(S3, site, "gw-b");
        var first = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), a.Root + "/sources", 1).Single();
        var second = OtherBytes(first, b.Root + "/sources/variant.dcm");
        var identity = CloudInstances.Identify([first]).Single();
        Assert.Equal(identity.SopInstanceUid, CloudInstances.Identify([second]).Single().SopInstanceUid);
        foreach (var scene in new[] { a, b })
        {
            await scene.StartAsync(scene.Configuration(stableStudySeconds: 1, upload: u =>
            {
                if (template is not null) u["KeyTemplate"] = template;
            }));
        }

        // A's copy is verified (and could be evicted) before B's other bytes arrive.
        await a.SendAsync([first]);
        var rowA = (await a.WaitForAllUploadedAsync(1, Timeout)).Single();
        await b.SendAsync([second]);
        var rowB = (await b.WaitForAllUploadedAsync(1, Timeout)).Single();
        foreach (var scene in new[] { a, b })
            await scene.WaitForRowsAsync(_ => scene.ManifestUploadedVersion(identity.StudyUid) >= 1, Timeout, $"{scene.Gateway}'s manifest uploaded");

        Assert.NotEqual(rowA.Sha256, rowB.Sha256);
        Assert.NotEqual(rowA.ObjectKey, rowB.ObjectKey);
        foreach (var (scene, row) in new[] { (a, rowA), (b, rowB) })
        {
            var local = await scene.LocalFileAsync(row, Timeout);
            var stored = await S3.ReadObjectAsync(row.ObjectKey!);
            Assert.True(stored.AsSpan().SequenceEqual(local), $"{scene.Gateway}'s object {row.ObjectKey} is not its file's bytes");
        }

        var keys = await S3.ListKeysAsync(site + "/");
        output.WriteLine(string.Join("\n", keys));
        var manifests = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var key in keys.Where(k => k[(k.LastIndexOf('/') + 1)..].StartsWith("manifest.", StringComparison.Ordinal)))
        {
            var manifest = JsonNode.Parse(await S3.ReadObjectAsync(key))!;
            Assert.True(manifests.TryAdd(manifest["gateway"]!.GetValue<string>(), manifest), $"two manifests of one gateway: {string.Join(", ", keys)}");
        }
        Assert.Equal(["gw-a", "gw-b"], manifests.Keys.Order(StringComparer.Ordinal));
        foreach (var (scene, row) in new[] { (a, rowA), (b, rowB) })
        {
            var entry = Assert.Single(manifests[scene.Gateway]["series"]!.AsArray().SelectMany(s => s!["instances"]!.AsArray()))!;
            Assert.Equal(row.ObjectKey, entry["key"]!.GetValue<string>());
            Assert.Equal(Convert.ToHexStringLower(row.Sha256), entry["sha256"]!.GetValue<string>());
        }
    }

    /// <summary>
    /// s3rver cannot list multipart uploads (NotImplemented), so the sweep is shown on the file store, a folder both
    /// gateways write to (a shared mount standing for one bucket): gateway A's upload, hours old and still running
    /// (its queue row holds the checkpoint), is not gateway B's to abort; B's own orphan of the same age is aborted.
    /// </summary>
    [Fact]
    public async Task One_gateways_orphan_sweep_leaves_the_other_gateways_pending_multipart_upload()
    {
        const string site = "site-sweep";
        await using var b = new S3GatewayScene(S3, site, "gw-b");
        var bucket = Path.Combine(b.Root, "shared-bucket");
        var store = new FileSystemObjectStore(bucket);
        var metadata = new Dictionary<string, string>();
        var ofA = await store.StartMultipartAsync($"{site}/gw-a/0123456789abcdef0123456789abcdef/{new string('a', 64)}.dcm", metadata, default);
        var ofB = await store.StartMultipartAsync($"{site}/gw-b/0123456789abcdef0123456789abcdef/{new string('b', 64)}.dcm", metadata, default);
        foreach (var uploadId in new[] { ofA, ofB })
            Age(Path.Combine(bucket, ".multipart", uploadId, "upload.json"), TimeSpan.FromHours(3));

        await b.StartAsync(b.Configuration(upload: u =>
        {
            u.Remove("S3");
            u["Destination"] = "file:" + bucket;
        }));

        // The sweep at start-up has run once B's own orphan is gone.
        await b.WaitForRowsAsync(_ => !Directory.Exists(Path.Combine(bucket, ".multipart", ofB)), Timeout, "gw-b's own orphaned upload aborted");
        var pending = new List<string>();
        await foreach (var upload in store.ListMultipartUploadsAsync(site + "/", default)) pending.Add(upload.UploadId);
        Assert.Equal([ofA], pending);
    }

    /// <summary>The same instance (same UIDs) with other bytes: another Image Comments.</summary>
    private static string OtherBytes(string file, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        const string script = """
            import sys, pydicom
            ds = pydicom.dcmread(sys.argv[1])
            ds.ImageComments = "received by the other gateway"
            ds.save_as(sys.argv[2], write_like_original=False)
            """;
        var result = ProcessRunner.RunAsync(Peers.Python, ["-c", script, file, path]).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, result.Output);
        return path;
    }

    /// <summary>Moves an upload's start back in time, as if it had been running for <paramref name="age"/>.</summary>
    private static void Age(string uploadJson, TimeSpan age)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(uploadJson))!;
        manifest["Initiated"] = (DateTimeOffset.UtcNow - age).ToString("O", CultureInfo.InvariantCulture);
        File.WriteAllText(uploadJson, manifest.ToJsonString(new JsonSerializerOptions()));
    }
}
