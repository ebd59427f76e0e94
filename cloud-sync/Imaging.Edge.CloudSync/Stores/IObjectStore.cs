namespace Imaging.Edge.CloudSync.Stores;

/// <summary>
/// An object store: an S3-compatible bucket or a local folder, with the same semantics — atomic put with checksum
/// verification, head, list, delete, and multipart upload for large objects.
/// Failures are <see cref="ObjectStoreException"/> with a <see cref="ObjectStoreErrorKind"/> that says whether to retry.
/// </summary>
public interface IObjectStore
{
    /// <summary>A name for logs and the queue (for example "primary", "backup", "file").</summary>
    string Name { get; }

    /// <summary>Where objects go, for operators (a URL or a folder; never credentials).</summary>
    string Location { get; }

    /// <summary>Stores the content under the key, atomically; the store checks <see cref="ObjectContent.Md5"/>. Safe to retry; may store twice.</summary>
    Task<PutResult> PutAsync(string key, ObjectContent content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>Size, ETag and metadata of an object, or null when there is none.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Objects whose key starts with the prefix.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the object; deleting one that is not there is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes many objects; keys that are not there count as deleted. Safe to retry. The default deletes them one by
    /// one; an S3 store sends Multi-Object Delete requests (with Content-MD5) of up to 1,000 keys.
    /// Does not throw for a key the store refused: it is in <see cref="DeleteManyResult.Errors"/>.
    /// </summary>
    async Task<DeleteManyResult> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        var errors = new List<DeleteError>();
        foreach (var key in keys)
        {
            try
            {
                await DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                deleted.Add(key);
            }
            catch (ObjectStoreException e)
            {
                errors.Add(new DeleteError(key, e.Code ?? "error"));
            }
        }
        return new DeleteManyResult(deleted, errors);
    }

    Task<string> StartMultipartAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>Uploads one part (numbered from 1); the store checks its MD5.</summary>
    Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, ObjectContent content, CancellationToken cancellationToken);

    /// <summary>Parts the store holds for an upload. Throws <see cref="ObjectStoreErrorKind.NoSuchUpload"/> when the upload is gone.</summary>
    Task<IReadOnlyList<UploadedPart>> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken);

    Task<PutResult> CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken);

    Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>Multipart uploads started and neither completed nor aborted, under a prefix.</summary>
    IAsyncEnumerable<PendingMultipartUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken);
}

/// <summary>
/// A byte range of a local file to upload, with its MD5 (and, when known, its SHA-256: an S3 signer that is handed
/// the payload hash does not read the body an extra time to compute it). <see cref="Open"/> may be called again for a retry.
/// With <see cref="Bytes"/>, the range is read from those bytes (the whole file, in memory) instead of <see cref="Path"/>.
/// </summary>
public sealed record ObjectContent(string Path, long Offset, long Length, byte[] Md5, Func<Stream, Stream>? Wrap = null, byte[]? Sha256 = null)
{
    /// <summary>The file's bytes when they are in memory (a small instance whose file is not written yet), or null.</summary>
    public byte[]? Bytes { get; init; }

    /// <summary>Opens the range for reading (through <see cref="Wrap"/>, for example a bandwidth limiter). Caller owns it.</summary>
    public Stream Open()
    {
        Stream range;
        if (Bytes is { } bytes)
        {
            range = new MemoryStream(bytes, checked((int)Offset), checked((int)Length), writable: false);
        }
        else
        {
            var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            file.Position = Offset;
            range = new RangeStream(file, Length);
        }
        return Wrap is null ? range : Wrap(range);
    }
}

public sealed record PutResult(string? ETag);

/// <summary>What a <see cref="IObjectStore.DeleteManyAsync"/> did: keys gone (or never there), keys the store refused.</summary>
public sealed record DeleteManyResult(IReadOnlyList<string> Deleted, IReadOnlyList<DeleteError> Errors);

/// <summary>A key the store would not delete, with its error code (never a credential).</summary>
public sealed record DeleteError(string Key, string Code);

public sealed record UploadedPart(int PartNumber, string ETag, long Size);

public sealed record ObjectInfo(string Key, long Size, string? ETag, IReadOnlyDictionary<string, string> Metadata);

public sealed record PendingMultipartUpload(string Key, string UploadId, DateTimeOffset Initiated);
