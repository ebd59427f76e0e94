using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// The one writer of queue.db: every store that changes the database does it here, on one connection under one lock
/// (SQLite has one writer anyway), each change in one transaction with the durability it needs and, when the change
/// is reported, its outbox event in the same transaction. Reads open their own pooled connections, which WAL lets run
/// beside the writer.
/// </summary>
internal sealed class QueueWriter : IDisposable
{
    private const string SynchronousFull = "PRAGMA synchronous = FULL;";
    private const string SynchronousNormal = "PRAGMA synchronous = NORMAL;";
    internal const string InsertEvent = "INSERT INTO outbox (at, type, payload) VALUES ($now, $type, $payload);";

    /// <summary>Copies the WAL into the database and truncates it to zero bytes, so old page images do not linger there.</summary>
    private const string CheckpointTruncate = "PRAGMA wal_checkpoint(TRUNCATE);";

    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly CommitGroup _group = new();
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);
    private Durability? _durability;
    private bool _disposed;

    public QueueWriter(QueueDatabase database, TimeProvider clock)
    {
        Database = database;
        _clock = clock;
        _connection = database.Open();
    }

    /// <summary>The database, for stores that read on their own connections.</summary>
    public QueueDatabase Database { get; }

    /// <summary>Now, in the unit the tables store (Unix milliseconds).</summary>
    public long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Runs <paramref name="work"/> in one immediate transaction under the write lock and commits it with
    /// <paramref name="durability"/>: what it changed is committed when this returns. An exception rolls everything
    /// back, the outbox events included, and is rethrown.
    /// </summary>
    public T Write<T>(Durability durability, Func<SqliteTransaction, T> work)
    {
        lock (_lock)
        {
            Apply(durability);
            using var transaction = _connection.BeginTransaction();
            var result = work(transaction);
            transaction.Commit();
            return result;
        }
    }

    /// <summary>
    /// As <see cref="Write{T}"/> with <see cref="Durability.Full"/>, but changes of several threads that wait for the
    /// writer at the same moment share one commit and so one sync (group commit): the acknowledgements of concurrent
    /// associations. A lone caller is never delayed: whoever gets the write lock commits every change waiting then,
    /// its own included; the others find theirs committed. Each change runs in its own savepoint, so one that throws
    /// rolls back alone and its caller gets the exception; a failed commit fails every change of the group.
    /// </summary>
    public T WriteTogether<T>(Func<SqliteTransaction, T> work)
    {
        var change = _group.Add(transaction => work(transaction));
        lock (_lock)
        {
            if (!change.Done)
                CommitGroup(_group.TakeAll());
        }
        return (T)change.Result()!;
    }

    /// <summary>Number of commits of <see cref="WriteTogether{T}"/> groups so far (tests observe the grouping).</summary>
    internal long GroupCommits { get; private set; }

    /// <summary>Changes of <see cref="WriteTogether{T}"/> waiting for the write lock now.</summary>
    internal int WaitingToCommit => _group.Waiting;

    /// <summary>
    /// Runs every change of a group in one FULL transaction and commits once. Under the write lock. Several changes
    /// run each in a savepoint; a lone one (one association sending) needs none: its throw rolls everything back.
    /// </summary>
    private void CommitGroup(IReadOnlyList<GroupedChange> changes)
    {
        try
        {
            Apply(Durability.Full);
            using var transaction = _connection.BeginTransaction();
            if (changes.Count == 1)
                changes[0].Ran(changes[0].Work(transaction));
            else
                RunEachInSavepoint(transaction, changes);
            transaction.Commit();
            GroupCommits++;
        }
        catch (Exception e)
        {
            foreach (var change in changes) change.Failed(e);
        }
        foreach (var change in changes) change.Complete();
    }

    /// <summary>Runs each change in its own savepoint: one that throws is rolled back alone and its caller gets the exception.</summary>
    private static void RunEachInSavepoint(SqliteTransaction transaction, IReadOnlyList<GroupedChange> changes)
    {
        for (var i = 0; i < changes.Count; i++)
        {
            var savepoint = "change" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            transaction.Save(savepoint);
            try
            {
                changes[i].Ran(changes[i].Work(transaction));
                transaction.Release(savepoint);
            }
            catch (Exception e)
            {
                transaction.Rollback(savepoint);
                transaction.Release(savepoint);
                changes[i].Failed(e);
            }
        }
    }

    /// <summary>As <see cref="Write{T}"/>, for a change that returns nothing.</summary>
    public void Write(Durability durability, Action<SqliteTransaction> work) =>
        Write(durability, transaction =>
        {
            work(transaction);
            return true;
        });

    /// <summary>
    /// A statement on the writer connection inside <paramref name="transaction"/>, prepared once and kept: the intake
    /// runs the same few statements for every instance. Callers must not dispose it; a null value binds SQL NULL.
    /// </summary>
    public SqliteCommand Statement(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        if (!ReferenceEquals(transaction.Connection, _connection))
            throw new InvalidOperationException("a queue statement runs only inside a transaction of the queue writer");
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _statements[sql] = command;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Writes an event to the outbox in <paramref name="transaction"/>: it is published only if the change it reports commits.</summary>
    public void AddEvent(SqliteTransaction transaction, string type, string payload) =>
        Statement(transaction, InsertEvent, ("$now", Now), ("$type", type), ("$payload", payload)).ExecuteNonQuery();

    /// <summary>Copies the WAL into the database and truncates it (after an erasure). True when it was truncated to zero bytes.</summary>
    public bool TruncateWal()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = CheckpointTruncate;
            using var reader = command.ExecuteReader();
            return reader.Read() && reader.GetInt64(0) == 0;
        }
    }

    /// <summary>
    /// Rebuilds the whole file from its rows (<c>VACUUM</c>, committed FULL), so that no page keeps bytes of deleted rows
    /// anywhere. <c>secure_delete</c> zeroes what a statement deletes, but not the old copy of a cell that the b-tree
    /// moved to another page while rebalancing (SQLite's <c>rebuildPage</c> leaves the gap unzeroed): measured, 1 of
    /// 6,033 deleted UIDs was still in a 17 MB file. Writers wait meanwhile (about 0.5 s per 15 MB here). Returns null
    /// when done, else why not (a full disk: VACUUM needs room for a copy); the file is then unchanged.
    /// </summary>
    public string? Compact()
    {
        lock (_lock)
        {
            Apply(Durability.Full);
            using var command = _connection.CreateCommand();
            command.CommandText = "VACUUM;";
            try
            {
                command.ExecuteNonQuery();
                return null;
            }
            catch (SqliteException e)
            {
                return $"SQLite error {e.SqliteErrorCode} ({e.SqliteExtendedErrorCode})";
            }
        }
    }

    /// <summary>The <c>synchronous</c> level the writer connection has now (a test looks at what an operation chose).</summary>
    internal Durability CurrentDurability()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) switch
            {
                1 => Durability.Normal,
                2 => Durability.Full,
                var other => throw new InvalidOperationException($"unexpected synchronous level {other}"),
            };
        }
    }

    /// <summary>
    /// Sets the level of the next commit, only when it changes (a pragma per write would cost a statement each). Not a
    /// statement prepared once: SQLite marks a PRAGMA to run only once per preparation and prepares it again at each
    /// run, so keeping one would save nothing.
    /// </summary>
    private void Apply(Durability durability)
    {
        if (_durability == durability) return;
        using var command = _connection.CreateCommand();
        command.CommandText = durability == Durability.Full ? SynchronousFull : SynchronousNormal;
        command.ExecuteNonQuery();
        _durability = durability;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var command in _statements.Values) command.Dispose();
            // The connection goes back to the pool, where QueueDatabase.Open does not run its pragmas again: it must
            // leave with synchronous = FULL, or be closed for good.
            try
            {
                Apply(Durability.Full);
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                // a broken connection: Dispose must not throw, and the handle must not be handed out again
                SqliteConnection.ClearPool(_connection);
            }
            _connection.Dispose();
        }
    }
}
