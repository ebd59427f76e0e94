namespace Imaging.Edge.CloudSync.Stores;

/// <summary>
/// How to reach an S3-compatible bucket. Tencent COS (Hong Kong): <c>ServiceUrl = https://cos.ap-hongkong.myqcloud.com</c>,
/// <c>Region = ap-hongkong</c>, <c>PathStyle = false</c>. AWS: the regional endpoint and region. MinIO and s3rver:
/// their URL, <c>PathStyle = true</c>, any region.
/// </summary>
public sealed record S3StoreOptions
{
    public required string ServiceUrl { get; init; }
    public required string Bucket { get; init; }
    public string Region { get; init; } = "us-east-1";
    public bool PathStyle { get; init; }
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }

    /// <summary>Per-request timeout of the HTTP client (one attempt; retries are ours).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Paces request bodies on the wire; null sends them at full speed.</summary>
    public Throttling.BandwidthLimiter? Limiter { get; init; }

    /// <summary>Never print the secret: records print every property otherwise.</summary>
    public override string ToString() => $"S3StoreOptions {{ ServiceUrl = {ServiceUrl}, Bucket = {Bucket}, Region = {Region}, PathStyle = {PathStyle} }}";
}
