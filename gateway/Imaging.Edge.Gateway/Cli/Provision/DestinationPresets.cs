namespace Imaging.Edge.Gateway.Cli.Provision;

/// <summary>An S3 endpoint as the configuration's <c>Upload:S3</c> holds it.</summary>
internal sealed record S3Endpoint(string ServiceUrl, string Region, bool PathStyle);

/// <summary>
/// The upload destinations an engineer picks by name, with the endpoint and region filled in: Tencent COS (default
/// Hong Kong, <c>https://cos.ap-hongkong.myqcloud.com</c>, virtual-hosted), AWS (the region's endpoint), MinIO and
/// s3rver (their URL, path style), or any S3-compatible store (<c>s3</c>: endpoint and region given).
/// </summary>
internal static class DestinationPresets
{
    public static readonly IReadOnlyList<string> Names = ["cos", "aws", "minio", "s3rver", "s3"];

    /// <summary>The endpoint, or throws <see cref="UsageException"/> saying which flag is missing.</summary>
    public static S3Endpoint Resolve(string destination, string? region, string? endpoint, bool? pathStyle) => destination switch
    {
        "cos" => new S3Endpoint(endpoint ?? $"https://cos.{region ?? "ap-hongkong"}.myqcloud.com", region ?? "ap-hongkong", pathStyle ?? false),
        "aws" => region is null
            ? throw new UsageException("--destination aws needs --region (e.g. ap-east-1 for Hong Kong)")
            : new S3Endpoint(endpoint ?? $"https://s3.{region}.amazonaws.com", region, pathStyle ?? false),
        "minio" or "s3rver" => endpoint is null
            ? throw new UsageException($"--destination {destination} needs --endpoint URL (e.g. http://minio.local:9000)")
            : new S3Endpoint(endpoint, region ?? "us-east-1", pathStyle ?? true),
        "s3" => endpoint is null || region is null
            ? throw new UsageException("--destination s3 needs --endpoint URL and --region")
            : new S3Endpoint(endpoint, region, pathStyle ?? false),
        _ => throw new UsageException($"--destination must be one of {string.Join(", ", Names)} (was '{destination}')"),
    };
}
