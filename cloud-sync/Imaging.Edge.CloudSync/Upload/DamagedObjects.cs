namespace Imaging.Edge.CloudSync.Upload;

/// <summary>
/// An object this gateway itself wrote that failed verification, as the store showed it right after the write: its
/// <see cref="ETag"/> (the MD5 of the bytes that arrived, not of the bytes sent) and, when the failure was seen by a
/// HEAD, the SHA-256 its metadata claimed ("" for none; null when not looked at). Together they tell this object apart
/// from any verified copy that a later write puts under the same key.
/// </summary>
public sealed record DamagedObject(string Endpoint, string Key, string ETag, string? Sha256);

/// <summary>
/// Where the uploader reports what it wrote and could not verify, so that it does not stay in the store under its key
/// (a reader of that bucket would get damaged bytes once the instance is verified elsewhere or under another key).
/// </summary>
public interface IDamagedObjects
{
    /// <summary>Remembers the object durably before it returns, for removal as soon as the store answers. May throw (a database error).</summary>
    void Record(DamagedObject damaged);

    /// <summary>Held around every write of an object and every removal of a damaged one (see <see cref="ObjectKeyLocks"/>).</summary>
    ObjectKeyLocks Locks { get; }
}
