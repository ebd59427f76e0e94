using Imaging.Edge.CloudSync.Upload;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// Objects this gateway wrote that failed verification (<c>damaged_objects</c>), until they are deleted from their store
/// or found replaced. Recording is FULL: the object may be the only reminder that a store holds damaged bytes under a
/// key. Forgetting is NORMAL: a row lost to a power cut comes back, and its next HEAD finds the object gone or replaced.
/// </summary>
internal sealed class DamagedObjectStore(QueueWriter writer)
{
    private const string Insert = """
        INSERT OR IGNORE INTO damaged_objects (destination, object_key, bad_etag, bad_sha256, recorded_at, next_attempt_at)
        VALUES ($destination, $key, $etag, $sha, $now, $now)
        RETURNING id;
        """;

    private const string DueRows = """
        SELECT id, destination, object_key, bad_etag, bad_sha256, attempts FROM damaged_objects
        WHERE next_attempt_at <= $now ORDER BY next_attempt_at LIMIT $limit;
        """;

    private const string NextDueAt = "SELECT MIN(next_attempt_at) FROM damaged_objects;";

    private const string Delete = "DELETE FROM damaged_objects WHERE id = $id;";

    private const string Reschedule = """
        UPDATE damaged_objects SET attempts = attempts + $count, next_attempt_at = $at, last_error = $error WHERE id = $id;
        """;

    /// <summary>Remembers a damaged object (once per key and ETag), due at once. Returns its row id, or null when it was known already.</summary>
    public long? Record(DamagedObject damaged) =>
        writer.Write(Durability.Full, transaction => writer.Statement(transaction, Insert, ("$destination", damaged.Endpoint), ("$key", damaged.Key),
            ("$etag", damaged.ETag), ("$sha", damaged.Sha256), ("$now", writer.Now)).ExecuteScalar() as long?);

    /// <summary>Rows whose next attempt is due, the longest waiting first.</summary>
    public IReadOnlyList<DamagedObjectRow> Due(DateTimeOffset now, int limit)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, DueRows, ("$now", now.ToUnixTimeMilliseconds()), ("$limit", limit));
        return RowReader.All(command, r => new DamagedObjectRow(r.Int64("id"), r.Int32("attempts"),
            new DamagedObject(r.String("destination"), r.String("object_key"), r.String("bad_etag"), r.NullableString("bad_sha256"))));
    }

    /// <summary>When the next row is due, or null when there is none.</summary>
    public DateTimeOffset? NextDue()
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, NextDueAt);
        return command.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>The object is gone or replaced: nothing left to do for it.</summary>
    public void Forget(long id) => writer.Write(Durability.Normal, transaction => writer.Statement(transaction, Delete, ("$id", id)).ExecuteNonQuery());

    /// <summary>Tries again at <paramref name="at"/>; <paramref name="countAttempt"/> false when the store was not even asked (circuit open).</summary>
    public void Postpone(long id, DateTimeOffset at, string error, bool countAttempt) =>
        writer.Write(Durability.Normal, transaction => writer.Statement(transaction, Reschedule, ("$id", id), ("$count", countAttempt ? 1 : 0),
            ("$at", at.ToUnixTimeMilliseconds()), ("$error", error)).ExecuteNonQuery());
}

/// <summary>One remembered damaged object and how often its removal failed.</summary>
internal sealed record DamagedObjectRow(long Id, int Attempts, DamagedObject Object);
