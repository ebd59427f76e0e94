using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Imaging.Edge.Gateway.Recovery;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// A data folder with its queue, built from the gateway's own parts (no DICOM server): what the gateway holds at
/// start-up. <see cref="Restart"/> closes the queue and opens it again, as a new process would.
/// </summary>
internal sealed class RecoveryScene : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public RecoveryScene(TimeProvider? clock = null)
    {
        Clock = clock ?? TimeProvider.System;
        Layout = new DataLayout(_directory.Combine("var"));
        Layout.EnsureCreated();
        Database = new QueueDatabase(Layout.Root);
        Database.Migrate();
        Pseudonymizer = new Pseudonymizer(SiteSecret.Load(null, Layout.Root));
        Queue = new QueueStores(Database, Clock);
    }

    public TimeProvider Clock { get; }
    public DataLayout Layout { get; }
    public QueueDatabase Database { get; }
    public Pseudonymizer Pseudonymizer { get; }
    public QueueStores Queue { get; private set; }
    public string DataDir => Layout.Root;

    /// <summary>Closes the queue and opens it again over the same folder, as a restarted process does.</summary>
    public void Restart()
    {
        Queue.Dispose();
        SqliteConnection.ClearAllPools();
        Database.Migrate();
        Queue = new QueueStores(Database, Clock);
    }

    /// <summary>Runs start-up recovery over the folder and returns its report.</summary>
    public QueueRecovery.Report Recover() =>
        new QueueRecovery(Layout, Queue.Leases, Queue.Queries, Queue.Intake, Pseudonymizer, NullLogger<QueueRecovery>.Instance, Queue.PendingFiles).Run();

    /// <summary>A queue row for an instance whose (made-up) file lives at studies/{study}/{sop}.dcm; the file is not written.</summary>
    public long Enqueue(string sopInstanceUid, string studyUid = "1.2.826.0.1.3680043.99.1", int priority = Priorities.Medium, int version = 0)
    {
        var path = Layout.Relative(Path.Combine(Layout.StudyDirectory(studyUid), DataLayout.InstanceFileName(sopInstanceUid, version)));
        return Queue.Intake.Enqueue(new NewInstance(sopInstanceUid, version, studyUid, Pseudonymizer.Study(studyUid), null, null, "1.2.3.4",
            "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1", 1234, new byte[32], new byte[32], path, "TESTSCU", "127.0.0.1", priority));
    }

    /// <summary>One scalar from the queue database, read on its own connection.</summary>
    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command.ExecuteScalar() is var result && result is not DBNull ? result : null;
    }

    /// <summary>Event types in the outbox, in order.</summary>
    public IReadOnlyList<(string Type, string Payload)> Outbox()
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, payload FROM outbox ORDER BY id;";
        using var reader = command.ExecuteReader();
        var events = new List<(string, string)>();
        while (reader.Read()) events.Add((reader.GetString(0), reader.GetString(1)));
        return events;
    }

    public void Dispose()
    {
        Queue.Dispose();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
