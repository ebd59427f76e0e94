using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Imaging.Edge.CloudSync.Stores;

/// <summary>
/// A bucket of an S3-compatible service through AWSSDK.S3. Request checksums are calculated only when required and
/// chunked (aws-chunked) encoding is off: COS and several S3-compatible stores reject or mis-store the trailers
/// AWSSDK 4 sends by default. Integrity is Content-MD5 on every PUT and part. The SDK retries once at most; the
/// caller's resilience pipeline does the rest, so the two layers do not multiply.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly PresignedHead _head;
    private readonly S3StoreOptions _options;

    public S3ObjectStore(S3StoreOptions options, string name)
        : this(options, name, headHandler: null)
    {
    }

    /// <param name="headHandler">The HTTP handler of <see cref="PresignedHead"/> (tests: answers a store could give).</param>
    internal S3ObjectStore(S3StoreOptions options, string name, HttpMessageHandler? headHandler)
    {
        _options = options;
        Name = name;
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            ForcePathStyle = options.PathStyle,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 1,
            Timeout = options.RequestTimeout,
        };
        if (options.Limiter is not null)
            config.HttpClientFactory = new Throttling.ThrottlingHttpClientFactory(options.Limiter);
        _client = new ContentMd5S3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        _head = new PresignedHead(_client, options, headHandler);
    }

    public string Name { get; }
    public string Location => $"{_options.ServiceUrl.TrimEnd('/')}/{_options.Bucket}";

    public Task<PutResult> PutAsync(string key, ObjectContent content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var request = new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                InputStream = Open(content),
                AutoCloseStream = true,
                UseChunkEncoding = false,
                MD5Digest = Convert.ToBase64String(content.Md5),
            };
            request.Headers.ContentLength = content.Length;
            SetPayloadHash(request.Headers, content);
            foreach (var (name, value) in metadata) request.Metadata.Add(name, value);
            var response = await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return new PutResult(response.ETag?.Trim('"'));
        }, cancellationToken);

    /// <summary>
    /// Through <see cref="PresignedHead"/>: a key that holds nothing is the usual answer, not an exception. When the
    /// store's clock and ours are minutes apart, through the SDK, which corrects its requests for that.
    /// </summary>
    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            try
            {
                return await _head.SendAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (PresignedHead.ClockSkewException)
            {
                return await SdkHeadAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);

    private async Task<ObjectInfo?> SdkHeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetObjectMetadataAsync(_options.Bucket, key, cancellationToken).ConfigureAwait(false);
            var metadata = response.Metadata.Keys.ToDictionary(
                k => k.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? k["x-amz-meta-".Length..] : k,
                k => response.Metadata[k], StringComparer.OrdinalIgnoreCase);
            return new ObjectInfo(key, response.ContentLength, response.ETag?.Trim('"'), metadata);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await Call(() => _client.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix, ContinuationToken = token }, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
                yield return new ObjectInfo(item.Key, item.Size ?? 0, item.ETag?.Trim('"'), new Dictionary<string, string>());
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        Call(() => _client.DeleteObjectAsync(_options.Bucket, key, cancellationToken), cancellationToken);

    /// <summary>
    /// Multi-Object Delete, 1,000 keys per request, verbose (the answer lists every key). The request carries
    /// Content-MD5 (see <see cref="ContentMd5S3Client"/>): COS, and S3 for general-purpose buckets, require it, and
    /// AWSSDK 4 sends only a CRC32 flexible checksum.
    /// </summary>
    public async Task<DeleteManyResult> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        const int Batch = 1000;
        var deleted = new List<string>();
        var errors = new List<DeleteError>();
        for (var start = 0; start < keys.Count; start += Batch)
        {
            var request = new DeleteObjectsRequest { BucketName = _options.Bucket, Quiet = false };
            foreach (var key in keys.Skip(start).Take(Batch)) request.AddKey(key);
            DeleteObjectsResponse response;
            try
            {
                response = await Call(() => _client.DeleteObjectsAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectStoreException e) when (e.InnerException is DeleteObjectsException partial)
            {
                response = partial.Response;
            }
            deleted.AddRange((response.DeletedObjects ?? []).Select(d => d.Key));
            errors.AddRange((response.DeleteErrors ?? []).Select(d => new DeleteError(d.Key, d.Code ?? "error")));
        }
        return new DeleteManyResult(deleted, errors);
    }

    public Task<string> StartMultipartAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var request = new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = key };
            foreach (var (name, value) in metadata) request.Metadata.Add(name, value);
            return (await _client.InitiateMultipartUploadAsync(request, cancellationToken).ConfigureAwait(false)).UploadId;
        }, cancellationToken);

    public Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, ObjectContent content, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var request = new UploadPartRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                UploadId = uploadId,
                PartNumber = partNumber,
                InputStream = Open(content),
                PartSize = content.Length,
                MD5Digest = Convert.ToBase64String(content.Md5),
                UseChunkEncoding = false,
            };
            var response = await _client.UploadPartAsync(request, cancellationToken).ConfigureAwait(false);
            return new UploadedPart(partNumber, response.ETag.Trim('"'), content.Length);
        }, cancellationToken);

    public Task<IReadOnlyList<UploadedPart>> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        Call<IReadOnlyList<UploadedPart>>(async () =>
        {
            var parts = new List<UploadedPart>();
            int? marker = null;
            while (true)
            {
                var page = await _client.ListPartsAsync(new ListPartsRequest
                {
                    BucketName = _options.Bucket, Key = key, UploadId = uploadId,
                    PartNumberMarker = marker?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                }, cancellationToken).ConfigureAwait(false);
                parts.AddRange((page.Parts ?? []).Select(p => new UploadedPart(p.PartNumber ?? 0, p.ETag.Trim('"'), p.Size ?? 0)));
                if (page.IsTruncated != true) return parts;
                marker = page.NextPartNumberMarker;
            }
        }, cancellationToken);

    public Task<PutResult> CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var request = new CompleteMultipartUploadRequest { BucketName = _options.Bucket, Key = key, UploadId = uploadId };
            request.AddPartETags(parts.OrderBy(p => p.PartNumber).Select(p => new PartETag(p.PartNumber, p.ETag)));
            var response = await _client.CompleteMultipartUploadAsync(request, cancellationToken).ConfigureAwait(false);
            return new PutResult(response.ETag?.Trim('"'));
        }, cancellationToken);

    public Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        Call(() => _client.AbortMultipartUploadAsync(_options.Bucket, key, uploadId, cancellationToken), cancellationToken);

    public async IAsyncEnumerable<PendingMultipartUpload> ListMultipartUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? keyMarker = null, uploadMarker = null;
        while (true)
        {
            var page = await Call(() => _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = _options.Bucket, Prefix = prefix, KeyMarker = keyMarker, UploadIdMarker = uploadMarker,
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var upload in page.MultipartUploads ?? [])
                yield return new PendingMultipartUpload(upload.Key, upload.UploadId, upload.Initiated ?? DateTime.UtcNow);
            if (page.IsTruncated != true) yield break;
            keyMarker = page.NextKeyMarker;
            uploadMarker = page.NextUploadIdMarker;
        }
    }

    /// <summary>
    /// SigV4 signs the payload's SHA-256. Handed over in advance (a PUT's payload is the whole file, whose hash the
    /// queue already has), the SDK uses it instead of reading the whole body once more to hash it.
    /// </summary>
    private static void SetPayloadHash(HeadersCollection headers, ObjectContent content)
    {
        if (content.Sha256 is { Length: 32 } sha256)
            headers["x-amz-content-sha256"] = Convert.ToHexStringLower(sha256);
    }

    /// <summary>The body as it is: pacing happens on the wire (<see cref="S3StoreOptions.Limiter"/>), not on the file.</summary>
    private static Stream Open(ObjectContent content) => (content with { Wrap = null }).Open();

    private static async Task Call(Func<Task> operation, CancellationToken cancellationToken) =>
        await Call(async () => { await operation().ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs one S3 call and turns whatever it throws into an <see cref="ObjectStoreException"/> that says whether to retry.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (AmazonS3Exception e)
        {
            throw new ObjectStoreException(Classify(e.ErrorCode, (int)e.StatusCode), $"S3 {(int)e.StatusCode} {e.ErrorCode}: {e.Message}", e.ErrorCode, (int)e.StatusCode, e);
        }
        catch (AmazonServiceException e) when (e.InnerException is HttpRequestException or IOException or SocketException)
        {
            throw new ObjectStoreException(ObjectStoreErrorKind.Transient, $"network: {e.InnerException!.Message}", null, null, e);
        }
        catch (AmazonServiceException e)
        {
            throw new ObjectStoreException(Classify(e.ErrorCode, (int)e.StatusCode), $"S3 {(int)e.StatusCode} {e.ErrorCode}: {e.Message}", e.ErrorCode, (int)e.StatusCode, e);
        }
        catch (AmazonClientException e)
        {
            throw new ObjectStoreException(ObjectStoreErrorKind.Transient, $"client: {e.Message}", null, null, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException)
        {
            throw new ObjectStoreException(ObjectStoreErrorKind.Transient, $"network: {e.Message}", null, null, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ObjectStoreException(ObjectStoreErrorKind.Transient, "request timed out", "RequestTimeout", null, e);
        }
    }

    /// <summary>
    /// S3 error codes: what is worth retrying, and what needs a person. <c>MalformedXML</c> is transient: the XML bodies
    /// (CompleteMultipartUpload, DeleteObjects) are ours and well-formed when sent, so a store that cannot parse one
    /// received it damaged on the way (the chaos soak's corrupting proxy), and sending it again is the cure.
    /// </summary>
    internal static ObjectStoreErrorKind Classify(string? code, int status) => code switch
    {
        "NoSuchUpload" => ObjectStoreErrorKind.NoSuchUpload,
        "SlowDown" or "Throttling" or "ThrottlingException" or "RequestTimeout" or "RequestTimeTooSkewed" or "InternalError"
            or "ServiceUnavailable" or "BadDigest" or "IncompleteBody" or "OperationAborted" or "MalformedXML" => ObjectStoreErrorKind.Transient,
        "AccessDenied" or "NoSuchBucket" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidArgument" or "InvalidBucketName"
            or "AccountProblem" or "AllAccessDisabled" or "InvalidRequest" or "EntityTooLarge" or "MethodNotAllowed" => ObjectStoreErrorKind.Permanent,
        _ when status >= 500 || status == 429 || status == 408 => ObjectStoreErrorKind.Transient,
        _ when status >= 400 => ObjectStoreErrorKind.Permanent,
        _ => ObjectStoreErrorKind.Transient,
    };

    public void Dispose()
    {
        _head.Dispose();
        _client.Dispose();
    }
}
