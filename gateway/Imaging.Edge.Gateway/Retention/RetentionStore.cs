using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Retention;

/// <summary>
/// Retention's reads and writes of <c>queue.db</c>. Reads use connections of their own (WAL lets them run beside the
/// writer); writes go through the queue's one <see cref="QueueWriter"/>, each committed with <c>synchronous=FULL</c>
/// before it returns, which also makes durable the earlier NORMAL commits (such as "uploaded") in the same WAL.
/// </summary>
internal sealed class RetentionStore(QueueWriter writer)
{
    /// <summary>Verified uploads done at or before <paramref name="cutoff"/>, oldest first.</summary>
    public IReadOnlyList<LocalCopy> UploadedBefore(DateTimeOffset cutoff, int limit) =>
        Read(RetentionSql.UploadedBefore, ("$cutoff", cutoff.ToUnixTimeMilliseconds()), ("$limit", limit));

    /// <summary>Verified uploads, oldest upload first.</summary>
    public IReadOnlyList<LocalCopy> OldestUploaded(int limit) => Read(RetentionSql.OldestUploaded, ("$limit", limit));

    /// <summary>
    /// Marks the rows evicted — only those still <c>uploaded</c> — and writes one <c>retention.evicted</c> event with
    /// their count and bytes, in one transaction, durable when it returns; bytes still waiting in the queue for their
    /// file go in the same transaction. Returns the rows that were marked: only their files may be deleted, and only
    /// after this returns.
    /// </summary>
    public IReadOnlyList<LocalCopy> MarkEvicted(IReadOnlyList<LocalCopy> copies, string reason)
    {
        if (copies.Count == 0) return [];
        return writer.Write(Durability.Full, transaction =>
        {
            var marked = new List<LocalCopy>(copies.Count);
            foreach (var copy in copies)
            {
                if (writer.Statement(transaction, RetentionSql.MarkEvicted, ("$id", copy.Id)).ExecuteScalar() is not long) continue;
                writer.Statement(transaction, RetentionSql.DeletePendingBytes, ("$id", copy.Id)).ExecuteNonQuery();
                marked.Add(copy);
            }
            if (marked.Count > 0)
                writer.AddEvent(transaction, QueueEvents.RetentionEvicted,
                    QueueEvents.Payload(("instances", marked.Count), ("bytes", marked.Sum(c => c.Size)), ("reason", reason)));
            return marked;
        });
    }

    /// <summary>Deletes audit rows and outbox events recorded before <paramref name="cutoff"/>, in one transaction.</summary>
    public (int AuditRows, int OutboxEvents) PruneBefore(DateTimeOffset cutoff)
    {
        var at = cutoff.ToUnixTimeMilliseconds();
        return writer.Write(Durability.Full, transaction =>
            (writer.Statement(transaction, RetentionSql.PruneAudit, ("$cutoff", at)).ExecuteNonQuery(),
             writer.Statement(transaction, RetentionSql.PruneOutbox, ("$cutoff", at)).ExecuteNonQuery()));
    }

    /// <summary>Writes one event to the outbox, durable when it returns.</summary>
    public void AddEvent(string type, string payload) =>
        writer.Write(Durability.Full, transaction => writer.AddEvent(transaction, type, payload));

    private List<LocalCopy> Read(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, sql, parameters);
        return RowReader.All(command, r => new LocalCopy(r.Int64("id"), r.String("local_path"), r.Int64("size"), r.Time("uploaded_at")));
    }
}
