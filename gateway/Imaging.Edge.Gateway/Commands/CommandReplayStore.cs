using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// The request ids of signed commands seen within the clock-skew window, in queue.db (table
/// <c>command_request_ids</c>), so a replay is refused across restarts too. Only requests whose signature verified
/// get here, rows go once their timestamp is out of the window, and at most <see cref="MaxRemembered"/> are kept:
/// past that new signed requests are refused rather than an old id forgotten early.
/// </summary>
internal sealed class CommandReplayStore(QueueWriter writer)
{
    public const int MaxRemembered = 10_000;

    private const string DeleteExpired = "DELETE FROM command_request_ids WHERE expires_at < $now;";
    private const string CountRemembered = "SELECT COUNT(*) FROM command_request_ids;";
    private const string Remember = "INSERT INTO command_request_ids (request_id, expires_at) VALUES ($id, $expires) ON CONFLICT (request_id) DO NOTHING;";

    public enum Result
    {
        /// <summary>Not seen before; now remembered (committed) until <c>expiresAt</c>.</summary>
        Fresh,

        /// <summary>Seen within the window: a replay.</summary>
        Seen,

        /// <summary><see cref="MaxRemembered"/> ids are remembered already.</summary>
        Full,
    }

    /// <summary>Remembers <paramref name="requestId"/> unless it was seen; committed (FULL, through the queue's one writer)
    /// before the command runs.</summary>
    public Result TryRemember(string requestId, long expiresAt, long now) =>
        writer.Write(Durability.Full, transaction =>
        {
            writer.Statement(transaction, DeleteExpired, ("$now", now)).ExecuteNonQuery();
            if ((long)writer.Statement(transaction, CountRemembered).ExecuteScalar()! >= MaxRemembered) return Result.Full;
            return writer.Statement(transaction, Remember, ("$id", requestId), ("$expires", expiresAt)).ExecuteNonQuery() == 1 ? Result.Fresh : Result.Seen;
        });
}
