using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// The durable queue of received instances. Writes go through one connection under a lock (SQLite has one writer
/// anyway); reads open their own pooled connections, which WAL lets run beside the writer.
/// Every method commits before it returns: what it reports done is on disk.
/// </summary>
internal sealed class InstanceQueue : IDisposable
{
    private readonly QueueDatabase _database;
    private readonly TimeProvider _clock;
    private readonly Lock _writeLock = new();
    private readonly SqliteConnection _writer;
    private readonly Dictionary<string, SqliteCommand> _writerCommands = new(StringComparer.Ordinal);

    public InstanceQueue(QueueDatabase database, TimeProvider clock)
    {
        _database = database;
        _clock = clock;
        _writer = database.Open();
        Received = new ReceivedToday(CountReceivedSince);
    }

    /// <summary>Instances received today (UTC), for status.</summary>
    public ReceivedToday Received { get; }

    private long CountReceivedSince(DateTimeOffset since)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.CountReceivedSince, ("$since", since.ToUnixTimeMilliseconds()));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private bool? _fullSync;

    /// <summary>
    /// Whether the next commit must be on disk when it returns. Everything an acknowledgement or an operator relies
    /// on is (synchronous=FULL). Upload bookkeeping — leases, postponements, checkpoints, "uploaded" — is not: lost
    /// in a power cut, it only means an instance is uploaded again (recovery releases every lease anyway), and it
    /// becomes durable with the next FULL commit. That saves two fsyncs per uploaded instance.
    /// </summary>
    private void Durability(bool full)
    {
        if (_fullSync == full) return;
        Writer(full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;").ExecuteNonQuery();
        _fullSync = full;
    }

    /// <summary>The copies already stored under this SOP Instance UID, oldest first.</summary>
    public IReadOnlyList<StoredCopy> CopiesOf(string sopInstanceUid)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.CopiesOfInstance, ("$sop", sopInstanceUid));
        using var reader = command.ExecuteReader();
        var copies = new List<StoredCopy>();
        while (reader.Read())
            copies.Add(new StoredCopy(reader.GetInt64(0), reader.GetInt32(1), (byte[])reader[2], reader.IsDBNull(3) ? [] : (byte[])reader[3], reader.GetString(4), reader.GetString(5)));
        return copies;
    }

    /// <summary>
    /// Queues a durable instance: its study is created or updated (and reopened if it was stable) and the events
    /// are written, all in one transaction. Returns the new row's id.
    /// </summary>
    public long Enqueue(NewInstance instance)
    {
        lock (_writeLock)
        {
            Durability(true);
            var now = Now;
            using var transaction = _writer.BeginTransaction();
            var wasStable = StudyWasStable(instance.StudyUid, transaction);
            long studyId;
            int instanceCount;
            var upsert = Writer(QueueSql.UpsertStudy, transaction,
                ("$study", instance.StudyUid), ("$pseudonym", instance.StudyPseudonym), ("$patient", instance.PatientKey), ("$now", now));
            using (var reader = upsert.ExecuteReader())
            {
                reader.Read();
                studyId = reader.GetInt64(0);
                instanceCount = reader.GetInt32(1);
            }
            var insert = Writer(QueueSql.InsertInstance, transaction,
                ("$sop", instance.SopInstanceUid), ("$version", instance.Version), ("$study_id", studyId), ("$series", instance.SeriesUid),
                ("$sop_class", instance.SopClassUid), ("$syntax", instance.TransferSyntaxUid), ("$size", instance.Size),
                ("$sha256", instance.Sha256), ("$dataset_sha256", instance.DataSetSha256), ("$path", instance.LocalPath), ("$source", instance.Source), ("$host", instance.SourceHost),
                ("$now", now), ("$priority", instance.Priority), ("$patient", instance.PatientKey), ("$issuer", instance.IssuerKey));
            var id = Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (instanceCount == 1 || wasStable)
                AddEvent(transaction, now, QueueEvents.StudyReceived,
                    QueueEvents.Payload(("study", instance.StudyPseudonym), ("reopened", wasStable), ("source", instance.Source)));
            if (instance.Version > 0)
                AddEvent(transaction, now, QueueEvents.InstanceDuplicate,
                    QueueEvents.Payload(("study", instance.StudyPseudonym), ("identical", false), ("version", instance.Version), ("source", instance.Source)));
            transaction.Commit();
            Received.Add(DateTimeOffset.FromUnixTimeMilliseconds(now));
            return id;
        }
    }

    /// <summary>Records that an instance was received again with identical bytes: acknowledged, not queued twice.</summary>
    public void RecordIdenticalDuplicate(string studyPseudonym, string source)
    {
        lock (_writeLock)
        {
            Durability(true);
            using var transaction = _writer.BeginTransaction();
            AddEvent(transaction, Now, QueueEvents.InstanceDuplicate, QueueEvents.Payload(("study", studyPseudonym), ("identical", true), ("source", source)));
            transaction.Commit();
        }
    }

    /// <summary>
    /// Claims the next instance to upload in one statement (highest priority, then oldest), leased to
    /// <paramref name="owner"/> for <paramref name="leaseDuration"/>. Null when nothing is ready: an empty queue is normal.
    /// </summary>
    public QueuedInstance? Lease(string owner, TimeSpan leaseDuration)
    {
        long? id;
        lock (_writeLock)
        {
            Durability(false);
            var now = Now;
            var command = Writer(QueueSql.Lease, ("$owner", owner), ("$expires", now + (long)leaseDuration.TotalMilliseconds), ("$now", now));
            id = command.ExecuteScalar() is long value ? value : null;
        }
        return id is { } leased ? Find(leased) : null;
    }

    /// <summary>Returns instances whose lease ran out (their worker died) to pending. Returns how many.</summary>
    public int ReleaseExpiredLeases()
    {
        lock (_writeLock)
        {
            Durability(false);
            var command = Writer(QueueSql.ReleaseExpiredLeases, ("$now", Now));
            return command.ExecuteNonQuery();
        }
    }

    /// <summary>Extends the lease of an instance this owner still holds. False when the lease was lost meanwhile.</summary>
    public bool RenewLease(long id, string owner, TimeSpan leaseDuration)
    {
        lock (_writeLock)
        {
            Durability(false);
            var command = Writer(QueueSql.RenewLease, ("$id", id), ("$owner", owner), ("$expires", Now + (long)leaseDuration.TotalMilliseconds));
            return command.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>Marks a leased instance uploaded once its cloud copy is verified. False if the lease was lost meanwhile.</summary>
    public bool MarkUploaded(long id, string owner, string objectKey, string destination, string? etag)
    {
        lock (_writeLock)
        {
            Durability(false);
            var command = Writer(QueueSql.MarkUploaded, ("$id", id), ("$owner", owner), ("$key", objectKey), ("$destination", destination), ("$etag", etag), ("$now", Now));
            return command.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>
    /// A transient failure: the instance goes back to pending and is not offered again before <paramref name="retryAt"/>.
    /// <paramref name="error"/> null keeps the last error; <paramref name="countAttempt"/> false for an attempt that never reached the store.
    /// </summary>
    public bool Postpone(long id, string owner, string? error, DateTimeOffset retryAt, bool countAttempt = true)
    {
        lock (_writeLock)
        {
            Durability(false);
            var command = Writer(QueueSql.Postpone, ("$id", id), ("$owner", owner), ("$error", error), ("$retry_at", retryAt.ToUnixTimeMilliseconds()), ("$counted", countAttempt ? 1 : 0));
            return command.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>A permanent failure: the instance waits in failed, with the reason, until someone retries it; an event tells ops.</summary>
    public void MarkFailed(long id, string error)
    {
        lock (_writeLock)
        {
            Durability(true);
            var now = Now;
            using var transaction = _writer.BeginTransaction();
            string? study;
            using (var reader = Writer(QueueSql.MarkFailed, transaction, ("$id", id), ("$error", error)).ExecuteReader())
            {
                if (!reader.Read()) return; // gone or being erased: nothing failed that ops must hear about
                study = reader.IsDBNull(0) ? null : reader.GetString(0);
            }
            // The error is a store code or a state ("file missing"), never exception text (Privacy.Outbound).
            AddEvent(transaction, now, error == InstanceStates.FileMissing ? QueueEvents.InstanceFileMissing : QueueEvents.UploadFailed,
                QueueEvents.Payload(("study", study), ("instance", id), ("error", error)));
            transaction.Commit();
        }
    }

    /// <summary>Failed instances (one, or all when <paramref name="id"/> is null) go back to pending now. Returns their ids.</summary>
    public IReadOnlyList<long> RetryFailed(long? id)
    {
        lock (_writeLock)
        {
            Durability(true);
            var command = Writer(QueueSql.RetryFailed, ("$id", id), ("$now", Now));
            using var reader = command.ExecuteReader();
            var ids = new List<long>();
            while (reader.Read()) ids.Add(reader.GetInt64(0));
            return ids;
        }
    }

    /// <summary>
    /// Uploads a study again (an operator's "resend"): its uploaded and failed instances go back to pending and its
    /// manifest is due again. Returns the number of instances requeued, or null if no study has that pseudonym.
    /// </summary>
    public int? ResendStudy(string pseudonym)
    {
        lock (_writeLock)
        {
            Durability(true);
            using var transaction = _writer.BeginTransaction();
            using (var study = Writer(QueueSql.ResendStudyManifest, transaction, ("$pseudonym", pseudonym)).ExecuteReader())
                if (!study.Read()) return null;
            var count = 0;
            using (var reader = Writer(QueueSql.ResendStudyInstances, transaction, ("$pseudonym", pseudonym), ("$now", Now)).ExecuteReader())
                while (reader.Read()) count++;
            transaction.Commit();
            return count;
        }
    }

    /// <summary>Studies quiet since <paramref name="quietSince"/> become stable, each with a new manifest version; the
    /// study.complete events are written in the same transaction.</summary>
    public IReadOnlyList<StableStudy> MarkStableStudies(DateTimeOffset quietSince)
    {
        lock (_writeLock)
        {
            Durability(true);
            var now = Now;
            using var transaction = _writer.BeginTransaction();
            var stable = new List<StableStudy>();
            using (var reader = Writer(QueueSql.MarkStableStudies, transaction, ("$cutoff", quietSince.ToUnixTimeMilliseconds())).ExecuteReader())
            {
                while (reader.Read())
                    stable.Add(new StableStudy(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
            }
            foreach (var study in stable)
                AddEvent(transaction, now, QueueEvents.StudyComplete,
                    QueueEvents.Payload(("study", study.Pseudonym), ("instances", study.InstanceCount), ("manifestVersion", study.ManifestVersion)));
            transaction.Commit();
            return stable;
        }
    }

    /// <summary>
    /// Records an operator action (CONVENTIONS: every action is audited), with the event that reports it, if any, in
    /// the same transaction. Durable when it returns.
    /// </summary>
    public void Audit(string actor, string action, string? requestId, string result, (string Type, string Payload)? outboxEvent = null)
    {
        lock (_writeLock)
        {
            Durability(true);
            var now = Now;
            using var transaction = _writer.BeginTransaction();
            Writer(QueueSql.InsertAudit, transaction, ("$now", now), ("$actor", actor), ("$action", action), ("$request", requestId), ("$result", result)).ExecuteNonQuery();
            if (outboxEvent is { } e)
                AddEvent(transaction, now, e.Type, e.Payload);
            transaction.Commit();
        }
    }

    /// <summary>The oldest events of the outbox, oldest first, for telemetry to publish.</summary>
    public IReadOnlyList<OutboxEvent> OutboxBatch(int limit = 100)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.OutboxBatch, ("$limit", limit));
        using var reader = command.ExecuteReader();
        var events = new List<OutboxEvent>();
        while (reader.Read())
            events.Add(new OutboxEvent(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3)));
        return events;
    }

    /// <summary>Removes an event once the broker has acknowledged it. Durable when it returns (ops rely on it: a lost
    /// delete only publishes the event again). False if it was already gone.</summary>
    public bool DeleteOutbox(long id)
    {
        lock (_writeLock)
        {
            Durability(true);
            return Writer(QueueSql.DeleteOutbox, ("$id", id)).ExecuteNonQuery() == 1;
        }
    }

    /// <summary>
    /// Keeps the outbox under <paramref name="maxEvents"/>: the oldest events beyond it are dropped and an
    /// <c>events.dropped</c> event with their count takes their place, in one transaction. Returns how many were dropped.
    /// </summary>
    public long TrimOutbox(int maxEvents)
    {
        lock (_writeLock)
        {
            Durability(true);
            using var transaction = _writer.BeginTransaction();
            var count = Convert.ToInt64(Writer(QueueSql.CountOutbox, transaction).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (count <= maxEvents) return 0;
            var excess = count - maxEvents + 1; // room for the events.dropped event itself
            Writer(QueueSql.DropOldestOutbox, transaction, ("$count", excess)).ExecuteNonQuery();
            AddEvent(transaction, Now, QueueEvents.EventsDropped, QueueEvents.Payload(("count", excess)));
            transaction.Commit();
            return excess;
        }
    }

    /// <summary>Saves multipart progress of a leased instance (null clears it). False if the lease was lost.</summary>
    public bool SaveCheckpoint(long id, string owner, string? checkpoint)
    {
        lock (_writeLock)
        {
            Durability(false);
            return Writer(QueueSql.SaveCheckpoint, ("$id", id), ("$owner", owner), ("$checkpoint", checkpoint)).ExecuteNonQuery() == 1;
        }
    }

    /// <summary>Every saved multipart checkpoint, for the sweep that aborts orphaned uploads.</summary>
    public IReadOnlyList<string> Checkpoints()
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.Checkpoints);
        using var reader = command.ExecuteReader();
        var checkpoints = new List<string>();
        while (reader.Read()) checkpoints.Add(reader.GetString(0));
        return checkpoints;
    }

    /// <summary>Stable studies whose newest manifest still has to be uploaded, and all of whose instances are uploaded or failed.</summary>
    public IReadOnlyList<(long StudyId, string StudyUid, string Pseudonym, int ManifestVersion)> StudiesNeedingManifest(int limit = 50)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.StudiesNeedingManifest, ("$limit", limit));
        using var reader = command.ExecuteReader();
        var studies = new List<(long, string, string, int)>();
        while (reader.Read()) studies.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
        return studies;
    }

    public IReadOnlyList<QueuedInstance> InstancesOfStudy(long studyId)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.InstancesOfStudy, ("$study_id", studyId));
        return ReadAll(command);
    }

    /// <summary>Records the manifest version now in the bucket and reports the study uploaded, in one transaction. False
    /// (nothing recorded) when the study is gone or being erased: the caller must then delete the manifest it just wrote.</summary>
    public bool MarkManifestUploaded(long studyId, int version, string pseudonym, int instances, string destination)
    {
        lock (_writeLock)
        {
            Durability(true);
            using var transaction = _writer.BeginTransaction();
            if (Writer(QueueSql.MarkManifestUploaded, transaction, ("$study_id", studyId), ("$version", version)).ExecuteNonQuery() != 1)
                return false;
            AddEvent(transaction, Now, QueueEvents.StudyUploaded, QueueEvents.Payload(
                ("study", pseudonym), ("instances", instances), ("manifestVersion", version), ("destination", destination)));
            transaction.Commit();
            return true;
        }
    }

    /// <summary>True when a patient erasure has claimed the row or already deleted it.</summary>
    public bool IsErasingOrGone(long id)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.IsErasingOrGone, ("$id", id));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>At start-up no worker of this process can hold a lease: every uploading row goes back to pending.</summary>
    public int ReleaseAllLeases()
    {
        lock (_writeLock)
        {
            Durability(true);
            var command = Writer(QueueSql.ReleaseAllLeases);
            return command.ExecuteNonQuery();
        }
    }

    /// <summary>Uploads since a moment: how many, how many bytes, the last one's time and destination.</summary>
    public RecentUploads UploadsSince(DateTimeOffset since)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.RecentUploads, ("$since", since.ToUnixTimeMilliseconds()));
        using var reader = command.ExecuteReader();
        reader.Read();
        return new RecentUploads(reader.GetInt64(0), reader.GetInt64(1),
            reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    /// <summary>Every row's path, state and last error, for start-up recovery.</summary>
    public IReadOnlyList<InstancePathState> PathsAndStates()
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.PathsAndStates);
        using var reader = command.ExecuteReader();
        var rows = new List<InstancePathState>();
        while (reader.Read())
            rows.Add(new InstancePathState(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        return rows;
    }

    public QueuedInstance? Find(long id)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.InstanceById, ("$id", id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadInstance(reader) : null;
    }

    public IReadOnlyList<QueuedInstance> FindBySopInstanceUid(string sopInstanceUid)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.InstancesBySopUid, ("$sop", sopInstanceUid));
        return ReadAll(command);
    }

    /// <summary>Instances in the given states, grouped by study (ordered by pseudonym, then arrival).</summary>
    public IReadOnlyList<QueuedInstance> List(IReadOnlyCollection<string> states, int limit = 10_000)
    {
        using var connection = _database.Open();
        using var command = Command(connection, QueueSql.InstancesInStates, ("$states", JsonSerializer.Serialize(states)), ("$limit", limit));
        return ReadAll(command);
    }

    /// <summary>
    /// Counts per state, bytes and age of what waits. Two queries that the state index answers (the counts from the
    /// index alone, the bytes from the waiting rows only): status reads this every few seconds, and one aggregate over
    /// the table took 0.37 s at a million rows against 0.10 s for these.
    /// </summary>
    public QueueStats Stats()
    {
        using var connection = _database.Open();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = Command(connection, QueueSql.CountByState))
        using (var reader = command.ExecuteReader())
            while (reader.Read()) counts[reader.GetString(0)] = reader.GetInt64(1);
        using var waiting = Command(connection, QueueSql.WaitingBytesAndOldest);
        using var row = waiting.ExecuteReader();
        row.Read();
        long Count(string state) => counts.GetValueOrDefault(state);
        return new QueueStats(Count(InstanceStates.Pending), Count(InstanceStates.Uploading), Count(InstanceStates.Uploaded), Count(InstanceStates.Failed),
            row.GetInt64(0), row.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(1)), Count(InstanceStates.Evicted), Count(InstanceStates.Erasing));
    }

    private bool StudyWasStable(string studyUid, SqliteTransaction transaction)
    {
        var command = Writer(QueueSql.StudyStateById, transaction, ("$study", studyUid));
        return command.ExecuteScalar() as string == "stable";
    }

    private void AddEvent(SqliteTransaction transaction, long now, string type, string payload)
    {
        var command = Writer(QueueSql.InsertEvent, transaction, ("$now", now), ("$type", type), ("$payload", payload));
        command.ExecuteNonQuery();
    }

    private static List<QueuedInstance> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<QueuedInstance>();
        while (reader.Read()) rows.Add(ReadInstance(reader));
        return rows;
    }

    private static QueuedInstance ReadInstance(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetString(4), r.GetString(5), NullableString(r, 6),
        r.GetString(7), r.GetString(8), r.GetInt64(9), (byte[])r[10], r.GetString(11), r.GetString(12), NullableString(r, 13),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(14)), r.GetInt32(15), r.GetString(16), r.GetInt32(17),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(18)), NullableString(r, 19), NullableString(r, 20), NullableString(r, 21),
        NullableString(r, 22), NullableString(r, 23));

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// A statement on the writer connection, prepared once and kept: the intake runs the same few statements for
    /// every instance. Callers must not dispose it (the using is harmless only for fresh commands, so none is used).
    /// </summary>
    private SqliteCommand Writer(string sql, params (string Name, object? Value)[] parameters) => Writer(sql, null, parameters);

    private SqliteCommand Writer(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        if (!_writerCommands.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            _writerCommands[sql] = command;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Command(connection, sql, null, parameters);

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters) =>
        SqlCommands.Create(connection, transaction, sql, parameters);

    public void Dispose()
    {
        foreach (var command in _writerCommands.Values) command.Dispose();
        _writer.Dispose();
    }
}
