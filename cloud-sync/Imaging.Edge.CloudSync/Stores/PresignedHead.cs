using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Imaging.Edge.CloudSync.Stores;

/// <summary>
/// HEAD of one object: signed by the SDK (a presigned URL, valid for minutes) and sent by a plain HTTP client.
/// <para>
/// Why not the SDK's <c>GetObjectMetadata</c>: every upload HEADs its key twice (before the PUT, so that other bytes
/// are never overwritten, and after it, to verify), and the first HEAD usually finds nothing. AWSSDK reports that 404
/// as an exception thrown up through some twenty async handlers, one of which formats its stack trace for telemetry:
/// <c>perf</c> put about a fifth of the gateway's CPU during small-file uploads there (docs/performance.md). Here a 404
/// is a status code. Another answer is an error named by its status, as the SDK names a HEAD's (an answer to a HEAD has
/// no body, so no S3 error code), and classified by <see cref="S3ObjectStore.Classify"/>.
/// </para>
/// <para>
/// A presigned URL carries this box's clock, and the SDK's own requests correct for the store's: a 403 from a store
/// whose clock is minutes away from ours is thrown as <see cref="ClockSkewException"/>, for the caller to ask through
/// the SDK instead, rather than as a permanent refusal.
/// </para>
/// </summary>
internal sealed class PresignedHead : IDisposable
{
    private const string MetadataPrefix = "x-amz-meta-";

    /// <summary>Only for the request it is made for, sent at once; long enough for a clock a little off.</summary>
    private static readonly TimeSpan Validity = TimeSpan.FromMinutes(15);

    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly Protocol _protocol;
    private readonly HttpClient _http;

    /// <summary>A store's clock this far from ours makes a presigned URL look expired (or not yet valid).</summary>
    internal static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <param name="handler">The HTTP handler (tests); by default a pooled socket handler.</param>
    public PresignedHead(IAmazonS3 client, S3StoreOptions options, HttpMessageHandler? handler = null)
    {
        _client = client;
        _bucket = options.Bucket;
        // The SDK signs an https URL unless told otherwise, whatever the service URL says.
        _protocol = options.ServiceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = options.RequestTimeout,
        };
    }

    /// <summary>Size, ETag and user metadata of the object, or null when the key holds none.</summary>
    public async Task<ObjectInfo?> SendAsync(string key, CancellationToken cancellationToken)
    {
        var url = await _client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.HEAD,
            Protocol = _protocol,
            Expires = DateTime.UtcNow + Validity,
        }).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (response.StatusCode == HttpStatusCode.Forbidden && response.Headers.Date is { } storeNow
            && (storeNow - DateTimeOffset.UtcNow).Duration() > MaxClockSkew)
            throw new ClockSkewException(storeNow - DateTimeOffset.UtcNow);
        if (!response.IsSuccessStatusCode)
        {
            // Named as the SDK names a HEAD's error: by its status (Forbidden, ServiceUnavailable, ...).
            var code = response.StatusCode.ToString();
            throw new ObjectStoreException(S3ObjectStore.Classify(code, status), $"S3 {status} {code} on HEAD", code, status);
        }
        var size = response.Content.Headers.ContentLength
            ?? throw new ObjectStoreException(ObjectStoreErrorKind.Transient, "S3 HEAD answered without Content-Length", null, status);
        // Raw header: a store's ETag need not be a well-formed entity tag for .NET's parser.
        var etag = response.Headers.TryGetValues("ETag", out var etags) ? etags.FirstOrDefault()?.Trim('"') : null;
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers)
        {
            if (name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
                metadata[name[MetadataPrefix.Length..]] = string.Join(",", values);
        }
        return new ObjectInfo(key, size, etag, metadata);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The store refused a presigned request while its clock is <see cref="Skew"/> from ours.</summary>
    internal sealed class ClockSkewException(TimeSpan skew)
        : Exception($"the store's clock is {skew.TotalSeconds:F0} s from ours: a presigned URL is refused")
    {
        public TimeSpan Skew { get; } = skew;
    }
}
