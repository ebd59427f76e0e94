using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// The SQLite file under the data folder: opened in WAL mode with <c>synchronous=FULL</c> (a commit is on disk when
/// it returns), <c>secure_delete</c> (deleted patient data is overwritten), a busy timeout and temporary storage in
/// memory; migrated at start-up.
/// <para>
/// <c>temp_store = MEMORY</c>: a group commit gives each instance a savepoint, and SQLite keeps a savepoint's
/// statement journal (images of the pages it changes, patient data among them) in a temporary file once it passes
/// 64 KiB. Those files were created and unlinked in /var/tmp (strace: 33 in 1,000 instances over four associations):
/// an inode made and freed on the receiver's path each time, and patient bytes left in free blocks outside the data
/// folder, where no erasure reaches. In memory they are bounded by one commit group's changes.
/// </para>
/// </summary>
internal sealed class QueueDatabase
{
    public const string FileName = "queue.db";

    private const string ConnectionPragmas = """
        PRAGMA synchronous = FULL;
        PRAGMA secure_delete = ON;
        PRAGMA foreign_keys = ON;
        PRAGMA busy_timeout = 10000;
        PRAGMA temp_store = MEMORY;
        """;

    /// <summary>The SQLite handles that have had <see cref="ConnectionPragmas"/>: the pool hands the same handle out
    /// again, and the pragmas stay set on it, so they run once per handle, not once per <see cref="Open"/> (the intake
    /// opens several pooled connections per instance; four pragmas parsed and run each time cost a few percent of its CPU).</summary>
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();

    private static readonly object Marker = new();

    private readonly string _connectionString;

    /// <param name="dataDir">The data folder.</param>
    /// <param name="createIfMissing">False for tools that inspect a queue the service made (the command line): opening
    /// then fails instead of creating an empty file, and <see cref="Migrate"/> must not be called.</param>
    public QueueDatabase(string dataDir, bool createIfMissing = true)
    {
        Path = System.IO.Path.Combine(dataDir, FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = createIfMissing ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>
    /// Opens a connection with the pragmas every connection needs. Caller owns it. Whoever changes one of them on a
    /// connection puts it back before the connection returns to the pool (<see cref="QueueWriter"/> does for
    /// <c>synchronous</c>).
    /// </summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var handle = connection.Handle!;
        if (Configured.TryGetValue(handle, out _)) return connection;
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = ConnectionPragmas;
        pragmas.ExecuteNonQuery();
        Configured.AddOrUpdate(handle, Marker);
        return connection;
    }

    /// <summary>Creates the file if needed, turns on WAL and runs the migrations it lacks. Returns the schema version.</summary>
    public int Migrate()
    {
        using var connection = Open();
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
        var current = CurrentVersion(connection);
        if (current > Migrations.All.Count)
            throw new InvalidOperationException($"{Path}: schema version {current} is newer than this software knows ({Migrations.All.Count}); refusing to touch it");
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = wal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"{Path}: SQLite refused WAL mode (got '{mode}')");
        }
        for (var version = current + 1; version <= Migrations.All.Count; version++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, Migrations.All[version - 1], transaction);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ($version);";
            record.Parameters.AddWithValue("$version", version);
            record.ExecuteNonQuery();
            transaction.Commit();
        }
        return Migrations.All.Count;
    }

    public static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
