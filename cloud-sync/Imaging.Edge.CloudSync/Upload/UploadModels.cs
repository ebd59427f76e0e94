namespace Imaging.Edge.CloudSync.Upload;

/// <summary>One local file to put under a key. <see cref="Checkpoint"/> is what an earlier, interrupted attempt saved.</summary>
public sealed record UploadRequest(string Key, string FilePath, long Size, byte[] Sha256, IReadOnlyDictionary<string, string> Metadata, string? Checkpoint)
{
    /// <summary>
    /// Which object already under the key, with other bytes, this upload may replace. Null (the default): none — the
    /// upload goes to the key with a content suffix instead (<see cref="Keys.ObjectKeyTemplate.WithContentSuffix"/>).
    /// </summary>
    public Func<Stores.ObjectInfo, bool>? MayReplace { get; init; }

    /// <summary>The file's bytes when they are in memory (a small instance whose file is not written yet): read instead of <see cref="FilePath"/>.</summary>
    public byte[]? Bytes { get; init; }

    /// <summary>A range of the file (or of <see cref="Bytes"/>) as content to send.</summary>
    internal Stores.ObjectContent Range(long offset, long length, byte[] md5, Func<Stream, Stream>? wrap = null, byte[]? sha256 = null) =>
        new(FilePath, offset, length, md5, wrap, sha256) { Bytes = Bytes };
}

/// <summary>A verified cloud copy: the store holds <see cref="Size"/> bytes under <see cref="Key"/>.</summary>
public sealed record UploadResult(string Key, string Endpoint, string? ETag, long Size, int PartsSent, int PartsReused);

/// <summary>Where the uploader keeps multipart progress (the gateway: the instance's queue row). Saved after every part.</summary>
public interface IUploadCheckpoints
{
    Task SaveAsync(string? checkpoint, CancellationToken cancellationToken);
}

/// <summary>Sizes of the upload, from <c>Upload:</c> configuration.</summary>
public sealed record UploadSettings
{
    /// <summary>Objects larger than this go multipart (default 16 MiB).</summary>
    public long MultipartThreshold { get; init; } = 16L * 1024 * 1024;

    /// <summary>Preferred part size; raised to size/9,000 so that no object needs more than 9,000 parts (S3 allows 10,000).</summary>
    public long PartSize { get; init; } = 8L * 1024 * 1024;

    /// <summary>Parts of one object in flight at once.</summary>
    public int PartConcurrency { get; init; } = 4;

    public long PartSizeFor(long objectSize) => Math.Max(PartSize, (objectSize + 8_999) / 9_000);
}
