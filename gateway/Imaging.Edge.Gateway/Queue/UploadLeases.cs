namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// The upload workers' side of the queue: claiming an instance, keeping and losing leases, and the outcome of an
/// upload. Bookkeeping is committed NORMAL (see <see cref="Durability.Normal"/>); a permanent failure and the release
/// at start-up are FULL, as ops and recovery rely on them.
/// </summary>
internal sealed class UploadLeases(QueueWriter writer, QueueQueries queries)
{
    /// <summary>Claims the next instance in one statement: priority first, then age (CONVENTIONS.md §8). A small instance
    /// whose file is not written yet is offered too: the worker reads its bytes from <c>pending_files</c>.</summary>
    private const string LeaseNext = """
        UPDATE instances SET state = 'uploading', lease_owner = $owner, lease_expires_at = $expires, attempts = attempts + 1
        WHERE id = (SELECT id FROM instances
                    WHERE state = 'pending' AND next_attempt_at <= $now
                    ORDER BY priority DESC, received_at, id LIMIT 1)
        RETURNING id;
        """;

    private const string ReleaseExpired = """
        UPDATE instances SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL
        WHERE state = 'uploading' AND lease_expires_at <= $now;
        """;

    private const string ReleaseAll = "UPDATE instances SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE state = 'uploading';";

    private const string Renew = """
        UPDATE instances SET lease_expires_at = $expires
        WHERE id = $id AND state = 'uploading' AND lease_owner = $owner;
        """;

    private const string Uploaded = """
        UPDATE instances SET state = 'uploaded', lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, upload_checkpoint = NULL,
                             object_key = $key, destination = $destination, etag = $etag, uploaded_at = $now
        WHERE id = $id AND state = 'uploading' AND lease_owner = $owner;
        """;

    /// <summary>
    /// A transient failure: back to pending, not before <c>$retry_at</c>. A null error keeps the last real one; an attempt
    /// that never reached the store (<c>$counted</c> = 0) is not counted.
    /// </summary>
    private const string Postponed = """
        UPDATE instances SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, last_error = COALESCE($error, last_error),
                             next_attempt_at = $retry_at, attempts = attempts - 1 + $counted
        WHERE id = $id AND state = 'uploading' AND lease_owner = $owner;
        """;

    private const string Failed = """
        UPDATE instances SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, last_error = $error
        WHERE id = $id AND state <> 'erasing'
        RETURNING (SELECT pseudonym FROM studies WHERE studies.id = instances.study_id) AS pseudonym;
        """;

    private const string Checkpoint = "UPDATE instances SET upload_checkpoint = $checkpoint WHERE id = $id AND lease_owner = $owner;";

    private const string AllCheckpoints = "SELECT upload_checkpoint FROM instances WHERE upload_checkpoint IS NOT NULL;";

    /// <summary>1 when the row is being erased or already gone (an erasure took it while it was uploading).</summary>
    private const string ErasingOrGone = "SELECT NOT EXISTS (SELECT 1 FROM instances WHERE id = $id AND state <> 'erasing');";

    /// <summary>
    /// Claims the next instance to upload in one statement (highest priority, then oldest), leased to
    /// <paramref name="owner"/> for <paramref name="leaseDuration"/>. Null when nothing is ready: an empty queue is normal.
    /// </summary>
    public QueuedInstance? Lease(string owner, TimeSpan leaseDuration)
    {
        var id = writer.Write(Durability.Normal, transaction =>
        {
            var now = writer.Now;
            return writer.Statement(transaction, LeaseNext, ("$owner", owner), ("$expires", now + (long)leaseDuration.TotalMilliseconds), ("$now", now))
                .ExecuteScalar() is long value ? value : (long?)null;
        });
        return id is { } leased ? queries.Find(leased) : null;
    }

    /// <summary>Returns instances whose lease ran out (their worker died) to pending. Returns how many.</summary>
    public int ReleaseExpiredLeases() =>
        writer.Write(Durability.Normal, transaction => writer.Statement(transaction, ReleaseExpired, ("$now", writer.Now)).ExecuteNonQuery());

    /// <summary>At start-up no worker of this process can hold a lease: every uploading row goes back to pending.</summary>
    public int ReleaseAllLeases() =>
        writer.Write(Durability.Full, transaction => writer.Statement(transaction, ReleaseAll).ExecuteNonQuery());

    /// <summary>Extends the lease of an instance this owner still holds. False when the lease was lost meanwhile.</summary>
    public bool RenewLease(long id, string owner, TimeSpan leaseDuration) =>
        writer.Write(Durability.Normal, transaction =>
            writer.Statement(transaction, Renew, ("$id", id), ("$owner", owner), ("$expires", writer.Now + (long)leaseDuration.TotalMilliseconds)).ExecuteNonQuery() == 1);

    /// <summary>Marks a leased instance uploaded once its cloud copy is verified. False if the lease was lost meanwhile.</summary>
    public bool MarkUploaded(long id, string owner, string objectKey, string destination, string? etag) =>
        writer.Write(Durability.Normal, transaction =>
            writer.Statement(transaction, Uploaded, ("$id", id), ("$owner", owner), ("$key", objectKey), ("$destination", destination), ("$etag", etag), ("$now", writer.Now))
                .ExecuteNonQuery() == 1);

    /// <summary>
    /// A transient failure: the instance goes back to pending and is not offered again before <paramref name="retryAt"/>.
    /// <paramref name="error"/> null keeps the last error; <paramref name="countAttempt"/> false for an attempt that never reached the store.
    /// </summary>
    public bool Postpone(long id, string owner, string? error, DateTimeOffset retryAt, bool countAttempt = true) =>
        writer.Write(Durability.Normal, transaction =>
            writer.Statement(transaction, Postponed, ("$id", id), ("$owner", owner), ("$error", error), ("$retry_at", retryAt.ToUnixTimeMilliseconds()), ("$counted", countAttempt ? 1 : 0))
                .ExecuteNonQuery() == 1);

    /// <summary>A permanent failure: the instance waits in failed, with the reason, until someone retries it; an event tells ops.</summary>
    public void MarkFailed(long id, string error) =>
        writer.Write(Durability.Full, transaction =>
        {
            var failed = RowReader.First(writer.Statement(transaction, Failed, ("$id", id), ("$error", error)), r => new { Study = r.NullableString("pseudonym") });
            if (failed is null) return; // gone or being erased: nothing failed that ops must hear about
            // The error is a store code or a state ("file missing"), never exception text (Privacy.Outbound).
            writer.AddEvent(transaction, error == InstanceStates.FileMissing ? QueueEvents.InstanceFileMissing : QueueEvents.UploadFailed,
                QueueEvents.Payload(("study", failed.Study), ("instance", id), ("error", error)));
        });

    /// <summary>Saves multipart progress of a leased instance (null clears it). False if the lease was lost.</summary>
    public bool SaveCheckpoint(long id, string owner, string? checkpoint) =>
        writer.Write(Durability.Normal, transaction =>
            writer.Statement(transaction, Checkpoint, ("$id", id), ("$owner", owner), ("$checkpoint", checkpoint)).ExecuteNonQuery() == 1);

    /// <summary>Every saved multipart checkpoint, for the sweep that aborts orphaned uploads.</summary>
    public IReadOnlyList<string> Checkpoints()
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, AllCheckpoints);
        return RowReader.All(command, r => r.String("upload_checkpoint"));
    }

    /// <summary>True when a patient erasure has claimed the row or already deleted it.</summary>
    public bool IsErasingOrGone(long id)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, ErasingOrGone, ("$id", id));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }
}
