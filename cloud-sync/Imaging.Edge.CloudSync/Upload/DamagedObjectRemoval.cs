using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;

namespace Imaging.Edge.CloudSync.Upload;

/// <summary>What became of a damaged object: deleted now, already gone, or replaced by other bytes (left as they are).</summary>
public enum DamagedObjectOutcome
{
    Deleted,
    Gone,
    Replaced,
}

/// <summary>Removes a damaged object, but only while it still is the damaged one.</summary>
public static class DamagedObjectRemoval
{
    /// <summary>
    /// HEAD, then DELETE only when the key still holds the object that failed verification (its ETag, and its SHA-256
    /// metadata where that was recorded). Anything else under the key — the verified bytes of a later attempt to this
    /// store, another gateway's object — is left alone. Both calls go through the endpoint's pipeline (timeouts,
    /// retries, circuit), under the key's lock against a write of the same key. Throws what the pipeline throws.
    /// </summary>
    public static async Task<DamagedObjectOutcome> RemoveAsync(EndpointResilience endpoint, DamagedObject damaged, ObjectKeyLocks locks, CancellationToken cancellationToken)
    {
        using var held = await locks.EnterAsync(endpoint.Store.Name, damaged.Key, cancellationToken).ConfigureAwait(false);
        var head = await endpoint.Pipeline.ExecuteAsync(
            async token => await endpoint.Store.HeadAsync(damaged.Key, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (head is null) return DamagedObjectOutcome.Gone;
        if (!IsTheDamagedOne(head, damaged)) return DamagedObjectOutcome.Replaced;
        await endpoint.Pipeline.ExecuteAsync(
            async token => await endpoint.Store.DeleteAsync(damaged.Key, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return DamagedObjectOutcome.Deleted;
    }

    /// <summary>
    /// The same ETag (the MD5 of the damaged bytes: no write of the right bytes can produce it) and, when recorded, the
    /// same SHA-256 claim (a failure in the metadata only: the right bytes under a wrong claim, which a later verified
    /// write replaces with the right claim). A store that gives no ETag cannot be told apart: never deleted.
    /// </summary>
    public static bool IsTheDamagedOne(ObjectInfo head, DamagedObject damaged) =>
        head.ETag is { } etag && etag.Trim('"').Equals(damaged.ETag.Trim('"'), StringComparison.OrdinalIgnoreCase)
        && (damaged.Sha256 is null || ShaClaim(head).Equals(damaged.Sha256, StringComparison.OrdinalIgnoreCase));

    /// <summary>The SHA-256 an object's metadata claims, "" for none.</summary>
    public static string ShaClaim(ObjectInfo head) => head.Metadata.TryGetValue(ObjectMetadata.Sha256, out var sha) ? sha : "";
}
