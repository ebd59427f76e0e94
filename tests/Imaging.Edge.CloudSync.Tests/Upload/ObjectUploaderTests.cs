using System.Security.Cryptography;
using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Tests.Fakes;
using Imaging.Edge.CloudSync.Upload;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.CloudSync.Tests.Upload;

public sealed class ObjectUploaderTests : IDisposable
{
    private const int MiB = 1024 * 1024;

    private static readonly ResilienceSettings Quick = new()
    {
        MaxRetryAttempts = 3,
        FirstRetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        MinimumThroughput = 100,
    };

    private static readonly UploadSettings FiveMiBParts = new() { MultipartThreshold = 5 * MiB, PartSize = 5 * MiB, PartConcurrency = 1 };

    private readonly TempFolder _temp = new();
    private readonly FileSystemObjectStore _bucket;

    public ObjectUploaderTests() => _bucket = new FileSystemObjectStore(_temp.Combine("bucket"), "primary");

    public void Dispose() => _temp.Dispose();

    private static EndpointResilience Endpoint(IObjectStore store) => new(store, Quick, TimeProvider.System, NullLogger.Instance);

    private static ObjectUploader Uploader(UploadSettings? settings = null) => new(settings ?? FiveMiBParts, NullLogger.Instance);

    private static UploadRequest RequestFor(string key, string path, string? checkpoint = null)
    {
        var sha256 = SHA256.HashData(File.ReadAllBytes(path));
        var metadata = new Dictionary<string, string> { [ObjectMetadata.Sha256] = Convert.ToHexStringLower(sha256), [ObjectMetadata.Gateway] = "gw01" };
        return new UploadRequest(key, path, new FileInfo(path).Length, sha256, metadata, checkpoint);
    }

    private byte[] Stored(string key) => File.ReadAllBytes(Path.Combine(_bucket.Location, key));

    private static ObjectStoreException Transient() => new(ObjectStoreErrorKind.Transient, "503 SlowDown", "SlowDown", 503);

    private static ObjectStoreException Permanent() => new(ObjectStoreErrorKind.Permanent, "403 AccessDenied", "AccessDenied", 403);

    private sealed class CheckpointRecorder : IUploadCheckpoints
    {
        public List<string?> Saved { get; } = [];

        public string? LastNonNull => Saved.LastOrDefault(s => s is not null);

        public Task SaveAsync(string? checkpoint, CancellationToken cancellationToken)
        {
            lock (Saved) Saved.Add(checkpoint);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Small_file_round_trips_in_one_put_with_its_md5_as_etag()
    {
        var file = _temp.WriteRandomFile("small.dcm", 100_000);
        var store = new ScriptedStore(_bucket);

        var result = await Uploader().UploadAsync(Endpoint(store), RequestFor("s/st/se/small.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(file), Stored("s/st/se/small.dcm"));
        Assert.Equal(1, store.PutCalls);
        Assert.Equal(0, store.StartCalls);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(file))), result.ETag);
        Assert.Equal(("s/st/se/small.dcm", "primary", 100_000L, 1, 0), (result.Key, result.Endpoint, result.Size, result.PartsSent, result.PartsReused));
    }

    [Fact]
    public async Task An_empty_file_round_trips()
    {
        var file = _temp.WriteRandomFile("empty.dcm", 0);

        var result = await Uploader().UploadAsync(Endpoint(_bucket), RequestFor("empty.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal(0, result.Size);
        Assert.Empty(Stored("empty.dcm"));
    }

    [Fact]
    public async Task A_file_of_exactly_the_threshold_goes_in_one_put()
    {
        var file = _temp.WriteRandomFile("edge.dcm", 5 * MiB);
        var store = new ScriptedStore(_bucket);

        await Uploader().UploadAsync(Endpoint(store), RequestFor("edge.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal((1, 0), (store.PutCalls, store.StartCalls));
    }

    [Fact]
    public async Task A_12_MiB_file_goes_multipart_in_three_5_MiB_parts_and_reads_back_identical()
    {
        var file = _temp.WriteRandomFile("big.dcm", 12 * MiB);
        var store = new ScriptedStore(_bucket);
        var checkpoints = new CheckpointRecorder();

        var result = await Uploader(FiveMiBParts with { PartConcurrency = 4 })
            .UploadAsync(Endpoint(store), RequestFor("s/st/se/big.dcm", file), checkpoints, null, CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(file), Stored("s/st/se/big.dcm"));
        Assert.Equal((0, 1, 3, 1), (store.PutCalls, store.StartCalls, store.UploadPartCalls, store.CompleteCalls));
        Assert.Equal([1, 2, 3], store.PartNumbersSent.Order());
        Assert.Equal((3, 0), (result.PartsSent, result.PartsReused));
        Assert.Null(checkpoints.Saved[^1]); // cleared once complete
        Assert.Equal(5, checkpoints.Saved.Count); // start, after each of 3 parts, cleared
        Assert.Empty(await ToListAsync(_bucket.ListMultipartUploadsAsync("", CancellationToken.None)));
        var head = await _bucket.HeadAsync("s/st/se/big.dcm", CancellationToken.None);
        Assert.Equal("gw01", head!.Metadata[ObjectMetadata.Gateway]);
    }

    [Fact]
    public async Task The_bytes_pass_through_the_wrap_function()
    {
        var file = _temp.WriteRandomFile("big.dcm", 12 * MiB);
        var wrapped = 0;

        await Uploader().UploadAsync(Endpoint(_bucket), RequestFor("big.dcm", file), new CheckpointRecorder(),
            s => { Interlocked.Increment(ref wrapped); return s; }, CancellationToken.None);

        Assert.Equal(3, wrapped);
    }

    private async Task<CheckpointRecorder> UploadFailingOnThirdPartAsync(string key, string file)
    {
        var failing = new ScriptedStore(_bucket) { FailUploadPart = call => call == 3 ? Permanent() : null };
        var checkpoints = new CheckpointRecorder();
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            Uploader().UploadAsync(Endpoint(failing), RequestFor(key, file), checkpoints, null, CancellationToken.None));
        Assert.Equal(ObjectStoreErrorKind.Permanent, error.Kind);
        Assert.Equal(3, failing.UploadPartCalls); // a permanent failure is not retried
        Assert.Null(await _bucket.HeadAsync(key, CancellationToken.None));
        return checkpoints;
    }

    [Fact]
    public async Task An_interrupted_multipart_upload_resumes_sending_only_the_missing_parts()
    {
        var file = _temp.WriteRandomFile("big.dcm", 12 * MiB);
        var checkpoints = await UploadFailingOnThirdPartAsync("big.dcm", file);
        var saved = MultipartCheckpoint.TryParse(checkpoints.LastNonNull);
        Assert.Equal([1, 2], saved!.Parts.Select(p => p.Number).Order());

        var counting = new ScriptedStore(_bucket);
        var result = await Uploader().UploadAsync(Endpoint(counting), RequestFor("big.dcm", file, checkpoints.LastNonNull), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.True(result.PartsReused >= 2, $"reused {result.PartsReused}");
        Assert.Equal(1, result.PartsSent);
        Assert.Equal([3], counting.PartNumbersSent);
        Assert.Equal(0, counting.StartCalls);
        Assert.Equal(File.ReadAllBytes(file), Stored("big.dcm"));
    }

    [Fact]
    public async Task Resume_trusts_the_stores_parts_over_a_checkpoint_that_missed_one()
    {
        var file = _temp.WriteRandomFile("big.dcm", 12 * MiB);
        var checkpoints = await UploadFailingOnThirdPartAsync("big.dcm", file);
        var afterFirstPart = checkpoints.Saved.Where(s => s is not null).ElementAt(1); // saved at start, then after part 1
        Assert.Single(MultipartCheckpoint.TryParse(afterFirstPart)!.Parts);

        var counting = new ScriptedStore(_bucket);
        var result = await Uploader().UploadAsync(Endpoint(counting), RequestFor("big.dcm", file, afterFirstPart), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal(2, result.PartsReused);
        Assert.Equal([3], counting.PartNumbersSent);
        Assert.Equal(File.ReadAllBytes(file), Stored("big.dcm"));
    }

    [Fact]
    public async Task A_checkpoint_whose_upload_no_longer_exists_restarts_cleanly()
    {
        var file = _temp.WriteRandomFile("big.dcm", 12 * MiB);
        var checkpoints = await UploadFailingOnThirdPartAsync("big.dcm", file);
        var stale = checkpoints.LastNonNull;
        await _bucket.AbortMultipartAsync("big.dcm", MultipartCheckpoint.TryParse(stale)!.UploadId, CancellationToken.None);

        var counting = new ScriptedStore(_bucket);
        var result = await Uploader().UploadAsync(Endpoint(counting), RequestFor("big.dcm", file, stale), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal((3, 0), (result.PartsSent, result.PartsReused));
        Assert.Equal((1, 1, 3), (counting.ListPartsCalls, counting.StartCalls, counting.UploadPartCalls));
        Assert.Equal(File.ReadAllBytes(file), Stored("big.dcm"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"Endpoint\":\"backup\",\"Key\":\"big.dcm\",\"UploadId\":\"abc\",\"PartSize\":5242880,\"Parts\":[]}")]
    [InlineData("{\"Endpoint\":\"primary\",\"Key\":\"other.dcm\",\"UploadId\":\"abc\",\"PartSize\":5242880,\"Parts\":[]}")]
    [InlineData("{\"Endpoint\":\"primary\",\"Key\":\"big.dcm\",\"UploadId\":\"abc\",\"PartSize\":1048576,\"Parts\":[]}")]
    public async Task A_checkpoint_that_is_unreadable_or_for_another_endpoint_key_or_part_size_starts_a_new_upload(string checkpoint)
    {
        var file = _temp.WriteRandomFile("big.dcm", 12 * MiB);
        var counting = new ScriptedStore(_bucket);

        var result = await Uploader().UploadAsync(Endpoint(counting), RequestFor("big.dcm", file, checkpoint), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal((0, 1, 3), (counting.ListPartsCalls, counting.StartCalls, counting.UploadPartCalls));
        Assert.Equal(0, result.PartsReused);
        Assert.Equal(File.ReadAllBytes(file), Stored("big.dcm"));
    }

    [Fact]
    public async Task A_transient_put_failure_is_retried_by_the_pipeline_and_succeeds()
    {
        var file = _temp.WriteRandomFile("small.dcm", 10_000);
        var store = new ScriptedStore(_bucket) { FailPut = call => call <= 2 ? Transient() : null };

        await Uploader().UploadAsync(Endpoint(store), RequestFor("small.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal(3, store.PutCalls);
        Assert.Equal(File.ReadAllBytes(file), Stored("small.dcm"));
    }

    [Fact]
    public async Task A_transient_part_failure_is_retried_by_the_pipeline_and_succeeds()
    {
        var file = _temp.WriteRandomFile("big.dcm", 12 * MiB);
        var store = new ScriptedStore(_bucket) { FailUploadPart = call => call is 2 or 3 ? Transient() : null };

        var result = await Uploader().UploadAsync(Endpoint(store), RequestFor("big.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal(5, store.UploadPartCalls);
        Assert.Equal(3, result.PartsSent);
        Assert.Equal(File.ReadAllBytes(file), Stored("big.dcm"));
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried()
    {
        var file = _temp.WriteRandomFile("small.dcm", 10_000);
        var store = new ScriptedStore(_bucket) { FailPut = _ => Permanent() };

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            Uploader().UploadAsync(Endpoint(store), RequestFor("small.dcm", file), new CheckpointRecorder(), null, CancellationToken.None));

        Assert.Equal(ObjectStoreErrorKind.Permanent, error.Kind);
        Assert.Equal(1, store.PutCalls);
    }

    [Fact]
    public async Task Transient_failures_beyond_the_retries_surface_as_transient()
    {
        var file = _temp.WriteRandomFile("small.dcm", 10_000);
        var store = new ScriptedStore(_bucket) { FailPut = _ => Transient() };

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            Uploader().UploadAsync(Endpoint(store), RequestFor("small.dcm", file), new CheckpointRecorder(), null, CancellationToken.None));

        Assert.Equal(ObjectStoreErrorKind.Transient, error.Kind);
        Assert.Equal(1 + Quick.MaxRetryAttempts, store.PutCalls);
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(12 * MiB)]
    public async Task A_head_reporting_another_size_fails_verification(int size)
    {
        var file = _temp.WriteRandomFile("f.dcm", size);
        var store = new ScriptedStore(_bucket) { AlterHead = info => info is null ? null : info with { Size = info.Size - 1 } };

        await Assert.ThrowsAsync<UploadVerificationException>(() =>
            Uploader().UploadAsync(Endpoint(store), RequestFor("f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None));
    }

    [Fact]
    public async Task A_head_finding_no_object_fails_verification()
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var store = new ScriptedStore(_bucket) { AlterHead = _ => null };

        await Assert.ThrowsAsync<UploadVerificationException>(() =>
            Uploader().UploadAsync(Endpoint(store), RequestFor("f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None));
    }

    [Fact]
    public async Task A_head_with_another_sha256_fails_verification()
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var store = new ScriptedStore(_bucket)
        {
            AlterHead = info => info is null ? null : info with { Metadata = new Dictionary<string, string> { [ObjectMetadata.Sha256] = new string('0', 64) } },
        };

        await Assert.ThrowsAsync<UploadVerificationException>(() =>
            Uploader().UploadAsync(Endpoint(store), RequestFor("f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None));
    }

    [Fact]
    public async Task A_put_etag_that_is_the_md5_of_other_bytes_is_sent_again_then_fails_as_bad_digest()
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var otherMd5 = Convert.ToHexStringLower(MD5.HashData("other bytes"u8));
        var store = new ScriptedStore(_bucket) { AlterPut = _ => new PutResult(otherMd5) };

        // Damaged in flight: a transient failure, so the pipeline sends it again; every copy damaged, so it gives up.
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            Uploader().UploadAsync(Endpoint(store), RequestFor("f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None));

        Assert.Equal("BadDigest", error.Code);
        Assert.Contains(otherMd5, error.Message);
        Assert.True(store.PutCalls > 1, "a damaged upload is sent again");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e-1")]
    [InlineData("opaque")]
    public async Task A_put_etag_that_is_not_an_md5_is_not_held_against_the_upload(string? etag)
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var store = new ScriptedStore(_bucket) { AlterPut = _ => new PutResult(etag) };

        var result = await Uploader().UploadAsync(Endpoint(store), RequestFor("f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal(etag, result.ETag);
    }

    // Item 2: several gateways, one bucket — an object under the key is never replaced by other bytes.

    [Theory]
    [InlineData(1_000)]
    [InlineData(12 * MiB)]
    public async Task An_object_already_stored_with_the_same_sha256_is_verified_and_not_sent_again(int size)
    {
        var file = _temp.WriteRandomFile("f.dcm", size);
        await Uploader().UploadAsync(Endpoint(_bucket), RequestFor("k/f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);
        var store = new ScriptedStore(_bucket);

        var result = await Uploader().UploadAsync(Endpoint(store), RequestFor("k/f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal("k/f.dcm", result.Key);
        Assert.Equal((0, 0, 0), (store.PutCalls, store.StartCalls, result.PartsSent));
        Assert.Equal(File.ReadAllBytes(file), Stored("k/f.dcm"));
    }

    /// <summary>
    /// Metadata is sent in headers, which a body damaged on the way does not change: an object that claims our
    /// SHA-256 counts as this file only when its ETag is the MD5 of our bytes (or S3's multipart form of it); a damaged
    /// copy is sent again under the same key.
    /// </summary>
    [Theory]
    [InlineData("plain md5 of the file", 0)]
    [InlineData("multipart etag of the file", 0)]
    [InlineData("md5 of other bytes", 1)]
    [InlineData("multipart etag of other bytes", 1)]
    public async Task An_object_claiming_our_sha256_counts_as_this_file_only_if_its_etag_agrees(string etag, int puts)
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        await Uploader().UploadAsync(Endpoint(_bucket), RequestFor("k/f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);
        var bytes = File.ReadAllBytes(file);
        var md5 = MD5.HashData(etag.EndsWith("other bytes", StringComparison.Ordinal) ? "other bytes"u8.ToArray() : bytes);
        var value = etag.StartsWith("multipart", StringComparison.Ordinal) ? Convert.ToHexStringLower(MD5.HashData(md5)) + "-1" : Convert.ToHexStringLower(md5);
        // The first HEAD (before any put) shows the ETag under test; after a put, the store's ETag of what it holds.
        var heads = 0;
        var store = new ScriptedStore(_bucket)
        {
            AlterHead = info => info is null ? null : info with { ETag = ++heads == 1 ? value : Convert.ToHexStringLower(MD5.HashData(bytes)) },
        };

        var result = await Uploader().UploadAsync(Endpoint(store), RequestFor("k/f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal(("k/f.dcm", puts), (result.Key, store.PutCalls));
        Assert.Equal(bytes, Stored("k/f.dcm"));
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(12 * MiB)]
    public async Task Other_bytes_under_the_key_are_kept_and_the_upload_goes_to_the_content_suffixed_key(int size)
    {
        var first = _temp.WriteRandomFile("a.dcm", size, seed: 1);
        var second = _temp.WriteRandomFile("b.dcm", size, seed: 2);
        await Uploader().UploadAsync(Endpoint(_bucket), RequestFor("k/f.dcm", first), new CheckpointRecorder(), null, CancellationToken.None);

        var result = await Uploader().UploadAsync(Endpoint(_bucket), RequestFor("k/f.dcm", second), new CheckpointRecorder(), null, CancellationToken.None);

        var alternative = ObjectKeyTemplate.WithContentSuffix("k/f.dcm", SHA256.HashData(File.ReadAllBytes(second)));
        Assert.Equal(alternative, result.Key);
        Assert.Equal(File.ReadAllBytes(first), Stored("k/f.dcm"));
        Assert.Equal(File.ReadAllBytes(second), Stored(alternative));

        // A retry (the row was not marked before a crash) finds its own copy there and sends nothing.
        var store = new ScriptedStore(_bucket);
        var retried = await Uploader().UploadAsync(Endpoint(store), RequestFor("k/f.dcm", second), new CheckpointRecorder(), null, CancellationToken.None);
        Assert.Equal((alternative, 0, 0), (retried.Key, store.PutCalls, store.StartCalls));
    }

    [Fact]
    public async Task An_object_without_our_sha256_counts_as_other_bytes()
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var foreign = _temp.WriteRandomFile("foreign.dcm", 1_000, seed: 3);
        await _bucket.PutAsync("k/f.dcm", new ObjectContent(foreign, 0, 1_000, MD5.HashData(File.ReadAllBytes(foreign))), new Dictionary<string, string>(), CancellationToken.None);

        var result = await Uploader().UploadAsync(Endpoint(_bucket), RequestFor("k/f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);

        Assert.NotEqual("k/f.dcm", result.Key);
        Assert.Equal(File.ReadAllBytes(foreign), Stored("k/f.dcm"));
        Assert.Equal(File.ReadAllBytes(file), Stored(result.Key));
    }

    /// <summary>
    /// s3rver writes a PUT's body before its metadata: one cut before the body leaves an empty object with no metadata
    /// (the soak found one under the key and one under its alternative: the instance failed for good). It holds nothing to
    /// lose and is written over; an empty object that carries metadata is someone's marker and is kept.
    /// </summary>
    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task An_empty_object_without_metadata_under_the_key_is_written_over(bool withMetadata, bool replaced)
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var empty = _temp.WriteRandomFile("empty.dcm", 0);
        var alternative = ObjectKeyTemplate.WithContentSuffix("k/f.dcm", SHA256.HashData(File.ReadAllBytes(file)));
        var metadata = withMetadata ? new Dictionary<string, string> { ["marker"] = "1" } : new Dictionary<string, string>();
        foreach (var key in new[] { "k/f.dcm", alternative })
            await _bucket.PutAsync(key, new ObjectContent(empty, 0, 0, MD5.HashData([])), metadata, CancellationToken.None);

        if (replaced)
        {
            var result = await Uploader().UploadAsync(Endpoint(_bucket), RequestFor("k/f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None);
            Assert.Equal("k/f.dcm", result.Key);
            Assert.Equal(File.ReadAllBytes(file), Stored("k/f.dcm"));
        }
        else
        {
            var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
                Uploader().UploadAsync(Endpoint(_bucket), RequestFor("k/f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None));
            Assert.Equal("KeyTaken", error.Code);
            Assert.Empty(Stored("k/f.dcm"));
        }
    }

    [Fact]
    public async Task Other_bytes_under_the_key_and_under_its_alternative_fail_permanently_and_overwrite_nothing()
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var alternative = ObjectKeyTemplate.WithContentSuffix("k/f.dcm", SHA256.HashData(File.ReadAllBytes(file)));
        var taken = _temp.WriteRandomFile("taken.dcm", 1_000, seed: 4);
        foreach (var key in new[] { "k/f.dcm", alternative })
            await Uploader().UploadAsync(Endpoint(_bucket), RequestFor(key, taken), new CheckpointRecorder(), null, CancellationToken.None);
        var store = new ScriptedStore(_bucket);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            Uploader().UploadAsync(Endpoint(store), RequestFor("k/f.dcm", file), new CheckpointRecorder(), null, CancellationToken.None));

        Assert.Equal((ObjectStoreErrorKind.Permanent, "KeyTaken"), (error.Kind, error.Code));
        Assert.Equal((0, 0), (store.PutCalls, store.StartCalls));
        Assert.Equal(File.ReadAllBytes(taken), Stored("k/f.dcm"));
        Assert.Equal(File.ReadAllBytes(taken), Stored(alternative));
    }

    [Theory]
    [InlineData("gw01", true)]
    [InlineData("gw02", false)]
    public async Task Other_bytes_are_replaced_only_where_the_request_allows_it(string writer, bool replaced)
    {
        var old = _temp.WriteRandomFile("old.json", 1_000, seed: 5);
        var newer = _temp.WriteRandomFile("new.json", 1_000, seed: 6);
        var oldRequest = RequestFor("k/manifest.v1.json", old);
        await Uploader().UploadAsync(Endpoint(_bucket), oldRequest with { Metadata = new Dictionary<string, string>(oldRequest.Metadata) { [ObjectMetadata.Gateway] = writer } },
            new CheckpointRecorder(), null, CancellationToken.None);
        var request = RequestFor("k/manifest.v1.json", newer) with { MayReplace = existing => existing.Metadata.GetValueOrDefault(ObjectMetadata.Gateway) == "gw01" };

        var result = await Uploader().UploadAsync(Endpoint(_bucket), request, new CheckpointRecorder(), null, CancellationToken.None);

        Assert.Equal(replaced, result.Key == "k/manifest.v1.json");
        Assert.Equal(File.ReadAllBytes(newer), Stored(result.Key));
        Assert.Equal(File.ReadAllBytes(replaced ? newer : old), Stored("k/manifest.v1.json"));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}
