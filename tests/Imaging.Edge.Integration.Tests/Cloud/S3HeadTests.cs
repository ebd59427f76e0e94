using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Upload;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Cloud;

/// <summary>
/// <see cref="S3ObjectStore.HeadAsync"/> against s3rver: what every upload asks twice (is the key free; is the object
/// there with our size and SHA-256), answered without the SDK's exception for an absent key.
/// </summary>
public sealed class S3HeadTests(S3rverFixture fixture) : IClassFixture<S3rverFixture>
{
    private S3rverProcess S3 => fixture.S3;

    /// <summary>Set in this test's flow only: first-chance exceptions of other tests running beside it do not count.</summary>
    private static readonly AsyncLocal<List<Exception>?> Thrown = new();

    [Fact]
    public async Task A_key_that_holds_nothing_is_null_without_an_exception_on_the_way()
    {
        using var store = Store();
        AppDomain.CurrentDomain.FirstChanceException += Record;
        var thrown = Thrown.Value = [];
        try
        {
            Assert.Null(await store.HeadAsync("head-test/never-written.dcm", default));
        }
        finally
        {
            Thrown.Value = null;
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }
        // The SDK threw (and rethrew through its handlers) an AmazonS3Exception for every such 404.
        Assert.True(thrown.Count == 0, "thrown on the way: " + string.Join(", ", thrown.Select(e => e.GetType().Name)));
    }

    [Fact]
    public async Task An_object_shows_its_size_its_etag_and_the_metadata_it_was_written_with()
    {
        using var store = Store();
        using var folder = new TemporaryDirectory();
        var bytes = Encoding.ASCII.GetBytes("a small instance's bytes");
        var file = Path.Combine(folder.Path, "body");
        await File.WriteAllBytesAsync(file, bytes);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await store.PutAsync("head-test/written.dcm", new ObjectContent(file, 0, bytes.Length, MD5.HashData(bytes)),
            new Dictionary<string, string> { [ObjectMetadata.Sha256] = sha256 }, default);

        var head = await store.HeadAsync("head-test/written.dcm", default);

        Assert.NotNull(head);
        Assert.Equal(bytes.Length, head.Size);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), head.ETag);   // a plain PUT's ETag: its MD5, unquoted
        Assert.Equal(sha256, head.Metadata[ObjectMetadata.Sha256]);
    }

    [Fact]
    public async Task A_key_the_store_refuses_is_a_permanent_error_named_by_its_status()
    {
        using var store = Store(accessKey: "NOT-THE-ACCESS-KEY");

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.HeadAsync("head-test/any.dcm", default));

        Assert.Equal(ObjectStoreErrorKind.Permanent, error.Kind);
        Assert.Equal(403, error.HttpStatus);
        Assert.Equal("Forbidden", error.Code);
    }

    [Fact]
    public async Task When_the_stores_clock_is_far_from_ours_the_head_goes_through_the_sdk_and_still_finds_the_object()
    {
        // s3rver checks no signature or expiry: the refusal a store with another clock gives comes from a stub, and the
        // SDK's HEAD then asks the real s3rver
        var refusals = 0;
        using var store = Store(headHandler: new StubHandler(() =>
        {
            Interlocked.Increment(ref refusals);
            var refused = new HttpResponseMessage(System.Net.HttpStatusCode.Forbidden) { Content = new ByteArrayContent([]) };
            refused.Headers.Date = DateTimeOffset.UtcNow.AddHours(2);
            return refused;
        }));
        using var folder = new TemporaryDirectory();
        var bytes = Encoding.ASCII.GetBytes("written while the clocks disagree");
        var file = Path.Combine(folder.Path, "body");
        await File.WriteAllBytesAsync(file, bytes);
        await store.PutAsync("head-test/skewed.dcm", new ObjectContent(file, 0, bytes.Length, MD5.HashData(bytes)),
            new Dictionary<string, string> { [ObjectMetadata.Sha256] = "feed" }, default);

        var head = await store.HeadAsync("head-test/skewed.dcm", default);
        var absent = await store.HeadAsync("head-test/never-written-skewed.dcm", default);

        Assert.Equal(2, refusals);
        Assert.NotNull(head);
        Assert.Equal(bytes.Length, head.Size);
        Assert.Equal("feed", head.Metadata[ObjectMetadata.Sha256]);
        Assert.Null(absent);
    }

    private S3ObjectStore Store(string accessKey = S3rverProcess.AccessKey, HttpMessageHandler? headHandler = null) => new(new S3StoreOptions
    {
        ServiceUrl = S3.ServiceUrl, Bucket = S3.Bucket, PathStyle = true, Region = S3rverProcess.Region,
        AccessKey = accessKey, SecretKey = S3rverProcess.SecretKey,
    }, "primary", headHandler);

    private sealed class StubHandler(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer());
    }

    private static void Record(object? sender, FirstChanceExceptionEventArgs e) => Thrown.Value?.Add(e.Exception);
}
