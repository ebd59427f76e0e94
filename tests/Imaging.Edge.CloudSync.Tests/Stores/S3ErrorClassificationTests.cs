using Imaging.Edge.CloudSync.Stores;

namespace Imaging.Edge.CloudSync.Tests.Stores;

public sealed class S3ErrorClassificationTests
{
    [Theory]
    [InlineData("SlowDown", 503)]
    [InlineData("Throttling", 400)]
    [InlineData("RequestTimeout", 400)]
    [InlineData("InternalError", 500)]
    [InlineData("ServiceUnavailable", 503)]
    [InlineData("BadDigest", 400)]
    [InlineData("IncompleteBody", 400)]
    [InlineData("MalformedXML", 400)]
    [InlineData(null, 503)]
    [InlineData(null, 500)]
    [InlineData(null, 502)]
    [InlineData(null, 429)]
    [InlineData(null, 408)]
    [InlineData("SomethingNew", 503)]
    [InlineData(null, 0)]
    public void Worth_retrying_is_transient(string? code, int status)
    {
        Assert.Equal(ObjectStoreErrorKind.Transient, S3ObjectStore.Classify(code, status));
    }

    [Theory]
    [InlineData("AccessDenied", 403)]
    [InlineData("NoSuchBucket", 404)]
    [InlineData("InvalidAccessKeyId", 403)]
    [InlineData("SignatureDoesNotMatch", 403)]
    [InlineData("InvalidArgument", 400)]
    [InlineData("InvalidBucketName", 400)]
    [InlineData("EntityTooLarge", 400)]
    [InlineData(null, 403)]
    [InlineData(null, 404)]
    [InlineData(null, 400)]
    [InlineData("SomethingNew", 400)]
    public void Needs_a_person_is_permanent(string? code, int status)
    {
        Assert.Equal(ObjectStoreErrorKind.Permanent, S3ObjectStore.Classify(code, status));
    }

    [Fact]
    public void NoSuchUpload_has_its_own_kind_so_the_uploader_starts_again()
    {
        Assert.Equal(ObjectStoreErrorKind.NoSuchUpload, S3ObjectStore.Classify("NoSuchUpload", 404));
    }

    [Fact]
    public void The_code_wins_over_the_status()
    {
        Assert.Equal(ObjectStoreErrorKind.Permanent, S3ObjectStore.Classify("AccessDenied", 503));
        Assert.Equal(ObjectStoreErrorKind.Transient, S3ObjectStore.Classify("SlowDown", 403));
    }
}
