using System.Security.Cryptography;
using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Tests.Fakes;
using Imaging.Edge.CloudSync.Upload;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.CloudSync.Tests.Upload;

/// <summary>
/// What the uploader reports as damaged (what it wrote itself, and a copy of its file that certainly holds other bytes),
/// and which object a removal may delete.
/// </summary>
public sealed class DamagedObjectReportTests : IDisposable
{
    private static readonly ResilienceSettings Quick = new()
    {
        MaxRetryAttempts = 2,
        FirstRetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        MinimumThroughput = 100,
    };

    private readonly TempFolder _temp = new();
    private readonly FileSystemObjectStore _bucket;
    private readonly Recorder _damaged = new();

    public DamagedObjectReportTests() => _bucket = new FileSystemObjectStore(_temp.Combine("bucket"), "primary");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_put_whose_etag_shows_other_bytes_is_reported_with_that_etag()
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var damagedMd5 = Convert.ToHexStringLower(MD5.HashData("damaged bytes"u8));
        var store = new ScriptedStore(_bucket) { AlterPut = _ => new PutResult(damagedMd5) };

        await Assert.ThrowsAsync<ObjectStoreException>(() => UploadAsync(store, file));

        Assert.NotEmpty(_damaged.Recorded);
        Assert.All(_damaged.Recorded, d => Assert.Equal(new DamagedObject("primary", "f.dcm", damagedMd5, null), d));
    }

    [Fact]
    public async Task A_verification_failure_of_the_object_this_upload_wrote_is_reported_with_its_sha256_claim()
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var store = new ScriptedStore(_bucket)
        {
            AlterPut = _ => new PutResult("opaque-etag"),
            AlterHead = info => info is null ? null : info with { ETag = "opaque-etag", Metadata = new Dictionary<string, string> { [ObjectMetadata.Sha256] = new string('0', 64) } },
        };

        await Assert.ThrowsAsync<UploadVerificationException>(() => UploadAsync(store, file));

        Assert.Equal([new DamagedObject("primary", "f.dcm", "opaque-etag", new string('0', 64))], _damaged.Recorded.Distinct());
    }

    [Fact]
    public async Task A_verification_failure_that_shows_another_writers_object_is_not_reported()
    {
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var store = new ScriptedStore(_bucket)
        {
            AlterPut = _ => new PutResult("ours"),
            AlterHead = info => info is null ? null : info with { ETag = "theirs", Size = 7 },
        };

        await Assert.ThrowsAsync<UploadVerificationException>(() => UploadAsync(store, file));

        Assert.Empty(_damaged.Recorded);
    }

    [Fact]
    public async Task A_damaged_copy_found_under_the_key_is_reported_even_when_its_replacement_fails()
    {
        // The long soak: an attempt killed after the store took a damaged body; the retry found it, could not replace it
        // (503 storm, circuit open), was verified on the backup, and the damaged copy stayed in the primary for good.
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var claim = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        var damagedMd5 = Convert.ToHexStringLower(MD5.HashData("damaged bytes"u8));
        var store = new ScriptedStore(_bucket)
        {
            AlterHead = _ => new ObjectInfo("f.dcm", 1_000, damagedMd5, new Dictionary<string, string> { [ObjectMetadata.Sha256] = claim }),
            FailPut = _ => new ObjectStoreException(ObjectStoreErrorKind.Transient, "503", "ServiceUnavailable"),
        };

        await Assert.ThrowsAsync<ObjectStoreException>(() => UploadAsync(store, file));

        Assert.Equal([new DamagedObject("primary", "f.dcm", damagedMd5, claim)], _damaged.Recorded.Distinct());
    }

    [Fact]
    public async Task A_copy_whose_multipart_etag_cannot_be_checked_is_replaced_but_not_reported()
    {
        // "…-N" may only reflect another part size: the bytes could be right, so it is never a candidate for deletion
        var file = _temp.WriteRandomFile("f.dcm", 1_000);
        var claim = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        var heads = 0;
        var store = new ScriptedStore(_bucket)
        {
            AlterHead = info => Interlocked.Increment(ref heads) == 1
                ? new ObjectInfo("f.dcm", 1_000, new string('a', 32) + "-2", new Dictionary<string, string> { [ObjectMetadata.Sha256] = claim })
                : info,
        };

        await UploadAsync(store, file);

        Assert.Equal(1, store.PutCalls);
        Assert.Empty(_damaged.Recorded);
    }

    [Theory]
    [InlineData("bad", null, "bad", null, true)]
    [InlineData("\"bad\"", "abc", "bad", "abc", true)]
    [InlineData("bad", "abc", "bad", "", false)]     // the claim differs: the right claim written since
    [InlineData("good", "abc", "bad", null, false)]  // other bytes written since
    [InlineData(null, "abc", "bad", null, false)]    // no ETag: cannot be told apart, never deleted
    [InlineData("bad", null, "bad", "", true)]       // recorded without a claim, still without one
    public void Only_the_damaged_object_itself_may_be_deleted(string? etag, string? claim, string badEtag, string? badClaim, bool damaged)
    {
        var metadata = claim is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [ObjectMetadata.Sha256] = claim };
        var head = new ObjectInfo("k", 10, etag, metadata);

        Assert.Equal(damaged, DamagedObjectRemoval.IsTheDamagedOne(head, new DamagedObject("primary", "k", badEtag, badClaim)));
    }

    private Task<UploadResult> UploadAsync(IObjectStore store, string file)
    {
        var sha256 = SHA256.HashData(File.ReadAllBytes(file));
        var metadata = new Dictionary<string, string> { [ObjectMetadata.Sha256] = Convert.ToHexStringLower(sha256) };
        var request = new UploadRequest("f.dcm", file, new FileInfo(file).Length, sha256, metadata, null);
        return new ObjectUploader(new UploadSettings(), NullLogger.Instance, _damaged)
            .UploadAsync(new EndpointResilience(store, Quick, TimeProvider.System, NullLogger.Instance), request, new NoCheckpoints(), null, CancellationToken.None);
    }

    private sealed class Recorder : IDamagedObjects
    {
        public List<DamagedObject> Recorded { get; } = [];

        public ObjectKeyLocks Locks { get; } = new();

        public void Record(DamagedObject damaged)
        {
            lock (Recorded) Recorded.Add(damaged);
        }
    }

    private sealed class NoCheckpoints : IUploadCheckpoints
    {
        public Task SaveAsync(string? checkpoint, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
