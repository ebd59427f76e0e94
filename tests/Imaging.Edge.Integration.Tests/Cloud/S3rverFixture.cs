using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Cloud;

/// <summary>One s3rver per test class, with the bucket the gateways upload to; each test uses its own site (key prefix).</summary>
public sealed class S3rverFixture : IDisposable
{
    public const string Bucket = "imaging-edge";

    public S3rverProcess S3 { get; } = new(Bucket);

    public void Dispose() => S3.Dispose();
}
