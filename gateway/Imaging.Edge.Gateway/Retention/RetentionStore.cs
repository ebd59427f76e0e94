using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Retention;

/// <summary>
/// Retention's reads and writes of <c>queue.db</c>, on connections of its own (WAL lets them run beside the queue's
/// writer; the busy timeout serialises the writes). Every write commits with <c>synchronous=FULL</c> before it returns,
/// which also makes durable the queue's earlier <c>synchronous=NORMAL</c> commits (such as "uploaded") in the same WAL.
/// </summary>
internal sealed class RetentionStore(QueueDatabase database, TimeProvider clock)
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Verified uploads done at or before <paramref name="cutoff"/>, oldest first.</summary>
    public IReadOnlyList<LocalCopy> UploadedBefore(DateTimeOffset cutoff, int limit) =>
        Read(RetentionSql.UploadedBefore, ("$cutoff", cutoff.ToUnixTimeMilliseconds()), ("$limit", limit));

    /// <summary>Verified uploads, oldest upload first.</summary>
    public IReadOnlyList<LocalCopy> OldestUploaded(int limit) => Read(RetentionSql.OldestUploaded, ("$limit", limit));

    /// <summary>
    /// Marks the rows evicted — only those still <c>uploaded</c> — and writes one <c>retention.evicted</c> event with
    /// their count and bytes, in one transaction, durable when it returns. Returns the rows that were marked: only
    /// their files may be deleted, and only after this returns.
    /// </summary>
    public IReadOnlyList<LocalCopy> MarkEvicted(IReadOnlyList<LocalCopy> copies, string reason)
    {
        if (copies.Count == 0) return [];
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var marked = new List<LocalCopy>(copies.Count);
        using (var update = SqlCommands.Create(connection, transaction, RetentionSql.MarkEvicted, ("$id", 0L)))
        {
            foreach (var copy in copies)
            {
                update.Parameters["$id"].Value = copy.Id;
                if (update.ExecuteScalar() is long) marked.Add(copy);
            }
        }
        if (marked.Count > 0)
            Insert(connection, transaction, QueueEvents.RetentionEvicted,
                QueueEvents.Payload(("instances", marked.Count), ("bytes", marked.Sum(c => c.Size)), ("reason", reason)));
        transaction.Commit();
        return marked;
    }

    /// <summary>Deletes audit rows and outbox events recorded before <paramref name="cutoff"/>, in one transaction.</summary>
    public (int AuditRows, int OutboxEvents) PruneBefore(DateTimeOffset cutoff)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var at = cutoff.ToUnixTimeMilliseconds();
        int audit, outbox;
        using (var command = SqlCommands.Create(connection, transaction, RetentionSql.PruneAudit, ("$cutoff", at)))
            audit = command.ExecuteNonQuery();
        using (var command = SqlCommands.Create(connection, transaction, RetentionSql.PruneOutbox, ("$cutoff", at)))
            outbox = command.ExecuteNonQuery();
        transaction.Commit();
        return (audit, outbox);
    }

    /// <summary>Writes one event to the outbox, durable when it returns.</summary>
    public void AddEvent(string type, string payload)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        Insert(connection, transaction, type, payload);
        transaction.Commit();
    }

    private void Insert(SqliteConnection connection, SqliteTransaction transaction, string type, string payload)
    {
        using var command = SqlCommands.Create(connection, transaction, RetentionSql.InsertEvent, ("$now", Now), ("$type", type), ("$payload", payload));
        command.ExecuteNonQuery();
    }

    private List<LocalCopy> Read(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.Open();
        using var command = SqlCommands.Create(connection, null, sql, parameters);
        using var reader = command.ExecuteReader();
        var copies = new List<LocalCopy>();
        while (reader.Read())
            copies.Add(new LocalCopy(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        return copies;
    }
}
