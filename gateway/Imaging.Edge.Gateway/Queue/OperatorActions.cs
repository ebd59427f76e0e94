namespace Imaging.Edge.Gateway.Queue;

/// <summary>What an operator does to the queue (retry, resend) and the audit of every action. All FULL: an operator
/// relies on what was reported done.</summary>
internal sealed class OperatorActions(QueueWriter writer)
{
    private const string RetryFailedRows = """
        UPDATE instances SET state = 'pending', last_error = NULL, next_attempt_at = $now
        WHERE state = 'failed' AND ($id IS NULL OR id = $id)
        RETURNING id;
        """;

    /// <summary>Every uploaded or failed instance of a study goes back to pending, and its manifest is due again.</summary>
    private const string ResendStudyInstances = """
        UPDATE instances SET state = 'pending', last_error = NULL, attempts = 0, next_attempt_at = $now, upload_checkpoint = NULL
        WHERE study_id = (SELECT id FROM studies WHERE pseudonym = $pseudonym) AND state IN ('uploaded', 'failed')
        RETURNING id;
        """;

    private const string ResendStudyManifest = "UPDATE studies SET manifest_uploaded_version = 0 WHERE pseudonym = $pseudonym RETURNING id;";

    private const string InsertAudit = "INSERT INTO audit (at, actor, action, request_id, result) VALUES ($now, $actor, $action, $request, $result);";

    /// <summary>Failed instances (one, or all when <paramref name="id"/> is null) go back to pending now. Returns their ids.</summary>
    public IReadOnlyList<long> RetryFailed(long? id) =>
        writer.Write(Durability.Full, transaction =>
            RowReader.All(writer.Statement(transaction, RetryFailedRows, ("$id", id), ("$now", writer.Now)), r => r.Int64("id")));

    /// <summary>
    /// Uploads a study again (an operator's "resend"): its uploaded and failed instances go back to pending and its
    /// manifest is due again. Returns the number of instances requeued, or null if no study has that pseudonym.
    /// </summary>
    public int? ResendStudy(string pseudonym) =>
        writer.Write(Durability.Full, transaction =>
        {
            if (RowReader.All(writer.Statement(transaction, ResendStudyManifest, ("$pseudonym", pseudonym)), r => r.Int64("id")).Count == 0)
                return (int?)null;
            return RowReader.All(writer.Statement(transaction, ResendStudyInstances, ("$pseudonym", pseudonym), ("$now", writer.Now)), r => r.Int64("id")).Count;
        });

    /// <summary>
    /// Records an operator action (CONVENTIONS: every action is audited), with the event that reports it, if any, in
    /// the same transaction. Durable when it returns.
    /// </summary>
    public void Audit(string actor, string action, string? requestId, string result, (string Type, string Payload)? outboxEvent = null) =>
        writer.Write(Durability.Full, transaction =>
        {
            AddAudit(transaction, actor, action, requestId, result);
            if (outboxEvent is { } e)
                writer.AddEvent(transaction, e.Type, e.Payload);
        });

    /// <summary>The audit row of an action, inside a transaction of the writer (an erasure records its own with its result).</summary>
    public void AddAudit(Microsoft.Data.Sqlite.SqliteTransaction transaction, string actor, string action, string? requestId, string result) =>
        writer.Statement(transaction, InsertAudit, ("$now", writer.Now), ("$actor", actor), ("$action", action), ("$request", requestId), ("$result", result)).ExecuteNonQuery();
}
