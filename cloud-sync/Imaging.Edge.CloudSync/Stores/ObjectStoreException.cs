namespace Imaging.Edge.CloudSync.Stores;

/// <summary>What a store failure means for the caller.</summary>
public enum ObjectStoreErrorKind
{
    /// <summary>Network trouble, 5xx, throttling, timeouts, a corrupted transfer: try again later.</summary>
    Transient,

    /// <summary>Credentials, bucket, permissions, a bad request: retrying will not help until someone fixes it.</summary>
    Permanent,

    /// <summary>The multipart upload no longer exists (completed, aborted or expired): start again.</summary>
    NoSuchUpload,
}

/// <summary>A failed store operation, with the store's own code (never a credential) and whether to retry.</summary>
public sealed class ObjectStoreException(ObjectStoreErrorKind kind, string message, string? code = null, int? httpStatus = null, Exception? inner = null)
    : Exception(message, inner)
{
    public ObjectStoreErrorKind Kind { get; } = kind;
    public string? Code { get; } = code;
    public int? HttpStatus { get; } = httpStatus;
}
