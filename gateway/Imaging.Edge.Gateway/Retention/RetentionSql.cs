namespace Imaging.Edge.Gateway.Retention;

/// <summary>Every statement of retention, parameterised; nothing is ever built by string interpolation.</summary>
internal static class RetentionSql
{
    /// <summary>Verified uploads older than <c>$cutoff</c>, oldest upload first.</summary>
    public const string UploadedBefore = """
        SELECT id, local_path, size, uploaded_at FROM instances
        WHERE state = 'uploaded' AND uploaded_at <= $cutoff
        ORDER BY uploaded_at, id LIMIT $limit;
        """;

    /// <summary>Verified uploads, oldest upload first: what the high-water mark evicts.</summary>
    public const string OldestUploaded = """
        SELECT id, local_path, size, uploaded_at FROM instances
        WHERE state = 'uploaded' AND uploaded_at IS NOT NULL
        ORDER BY uploaded_at, id LIMIT $limit;
        """;

    /// <summary>Only a row that is still <c>uploaded</c> is evicted: nothing else ever loses its local copy here.</summary>
    public const string MarkEvicted = "UPDATE instances SET state = 'evicted' WHERE id = $id AND state = 'uploaded' RETURNING id;";

    /// <summary>An evicted small instance whose file was never written: its bytes in the queue were its local copy.</summary>
    public const string DeletePendingBytes = "DELETE FROM pending_files WHERE instance_id = $id;";

    public const string PruneAudit = "DELETE FROM audit WHERE at < $cutoff;";

    /// <summary>Events still in the outbox this late were never published (no broker configured, or none reachable).</summary>
    public const string PruneOutbox = "DELETE FROM outbox WHERE at < $cutoff;";
}
