using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// The request ids of signed commands seen within the clock-skew window, in queue.db (table
/// <c>command_request_ids</c>), so a replay is refused across restarts too. Only requests whose signature verified
/// get here, rows go once their timestamp is out of the window, and at most <see cref="MaxRemembered"/> are kept:
/// past that new signed requests are refused rather than an old id forgotten early.
/// </summary>
internal sealed class CommandReplayStore(QueueDatabase database)
{
    public const int MaxRemembered = 10_000;

    private const string DeleteExpired = "DELETE FROM command_request_ids WHERE expires_at < $now;";
    private const string CountRemembered = "SELECT COUNT(*) FROM command_request_ids;";
    private const string Remember = "INSERT INTO command_request_ids (request_id, expires_at) VALUES ($id, $expires) ON CONFLICT (request_id) DO NOTHING;";

    private readonly Lock _lock = new();

    public enum Result
    {
        /// <summary>Not seen before; now remembered (committed) until <c>expiresAt</c>.</summary>
        Fresh,

        /// <summary>Seen within the window: a replay.</summary>
        Seen,

        /// <summary><see cref="MaxRemembered"/> ids are remembered already.</summary>
        Full,
    }

    /// <summary>Remembers <paramref name="requestId"/> unless it was seen; committed before the command runs.</summary>
    public Result TryRemember(string requestId, long expiresAt, long now)
    {
        lock (_lock)
        {
            using var connection = database.Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            using (var delete = SqlCommands.Create(connection, transaction, DeleteExpired, ("$now", now)))
                delete.ExecuteNonQuery();
            using (var count = SqlCommands.Create(connection, transaction, CountRemembered))
                if ((long)count.ExecuteScalar()! >= MaxRemembered) return Result.Full;
            int inserted;
            using (var insert = SqlCommands.Create(connection, transaction, Remember, ("$id", requestId), ("$expires", expiresAt)))
                inserted = insert.ExecuteNonQuery();
            transaction.Commit();
            return inserted == 1 ? Result.Fresh : Result.Seen;
        }
    }
}
