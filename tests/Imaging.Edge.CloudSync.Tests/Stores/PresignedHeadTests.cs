using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Imaging.Edge.CloudSync.Stores;

namespace Imaging.Edge.CloudSync.Tests.Stores;

/// <summary>
/// How <see cref="PresignedHead"/> reads answers, without a store: the request it signs and the answer a stub gives.
/// (Against s3rver: Integration tests, Cloud/S3HeadTests.)
/// </summary>
public sealed class PresignedHeadTests
{
    [Fact]
    public async Task A_refusal_from_a_store_whose_clock_is_far_from_ours_is_a_clock_skew_not_a_permanent_error()
    {
        using var head = Head(_ => Answer(HttpStatusCode.Forbidden, date: DateTimeOffset.UtcNow.AddHours(1)));

        var skew = await Assert.ThrowsAsync<PresignedHead.ClockSkewException>(() => head.SendAsync("k.dcm", default));

        Assert.InRange(skew.Skew, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, ObjectStoreErrorKind.Permanent, "Forbidden")]     // a refusal, the clocks agreeing
    [InlineData(HttpStatusCode.ServiceUnavailable, ObjectStoreErrorKind.Transient, "ServiceUnavailable")]
    public async Task Another_answer_is_an_error_named_and_classified_by_its_status(HttpStatusCode status, ObjectStoreErrorKind kind, string code)
    {
        using var head = Head(_ => Answer(status, date: DateTimeOffset.UtcNow));

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => head.SendAsync("k.dcm", default));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(code, error.Code);
        Assert.Equal((int)status, error.HttpStatus);
    }

    [Fact]
    public async Task The_request_is_a_signed_head_of_the_key_with_the_service_urls_scheme_and_the_answer_is_read_from_its_headers()
    {
        HttpRequestMessage? sent = null;
        using var head = Head(request =>
        {
            sent = request;
            var answer = Answer(HttpStatusCode.OK, date: DateTimeOffset.UtcNow);
            answer.Headers.TryAddWithoutValidation("ETag", "\"0123456789abcdef0123456789abcdef\"");
            answer.Headers.TryAddWithoutValidation("x-amz-meta-sha256", "feed");
            answer.Content.Headers.ContentLength = 42;
            return answer;
        });

        var info = await head.SendAsync("site/gw/a b.dcm", default);

        Assert.NotNull(sent);
        Assert.Equal(HttpMethod.Head, sent.Method);
        Assert.Equal("http", sent.RequestUri!.Scheme);   // not the https the SDK signs by default
        Assert.Contains("/bucket/site/gw/a%20b.dcm", sent.RequestUri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Signature=", sent.RequestUri.Query, StringComparison.Ordinal);
        Assert.NotNull(info);
        Assert.Equal(42, info.Size);
        Assert.Equal("0123456789abcdef0123456789abcdef", info.ETag);
        Assert.Equal("feed", info.Metadata["sha256"]);
    }

    [Fact]
    public async Task Nothing_under_the_key_is_null()
    {
        using var head = Head(_ => Answer(HttpStatusCode.NotFound, date: DateTimeOffset.UtcNow));

        Assert.Null(await head.SendAsync("k.dcm", default));
    }

    private static PresignedHead Head(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        var options = new S3StoreOptions
        {
            ServiceUrl = "http://127.0.0.1:9", Bucket = "bucket", PathStyle = true, AccessKey = "AK", SecretKey = "SK",
        };
        var client = new AmazonS3Client(new BasicAWSCredentials("AK", "SK"),
            new AmazonS3Config { ServiceURL = options.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = options.Region });
        return new PresignedHead(client, options, new StubHandler(answer));
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, DateTimeOffset date)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent([]) };
        response.Headers.Date = date;
        return response;
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
