using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Tests.Commands;

namespace Imaging.Edge.Gateway.Tests.Queue;

public sealed class QueueWriterTests
{
    private const string InsertAudit = "INSERT INTO audit (at, actor, action, request_id, result) VALUES (1, 'local:test', 'probe', 'r1', 'ok');";

    internal static NewInstance Instance(string sop, string study = "1.2.3.9") => new(sop, 0, study, "pseudo-" + study, null, null, "1.2.3.9.1",
        "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1", 10, new byte[32], new byte[32], "studies/" + study + "/" + sop + ".dcm", "TESTSCU", "127.0.0.1", Priorities.Medium);

    [Fact]
    public void An_exception_rolls_back_the_change_and_its_outbox_event()
    {
        using var scene = new CommandScene();
        var writer = scene.Queue.Writer;

        Assert.Throws<InvalidOperationException>(() => writer.Write(Durability.Full, transaction =>
        {
            writer.Statement(transaction, InsertAudit).ExecuteNonQuery();
            writer.AddEvent(transaction, QueueEvents.CommandExecuted, """{"n":1}""");
            throw new InvalidOperationException("the change fails after both writes");
        }));

        Assert.Empty(scene.Rows("SELECT id FROM audit;"));
        Assert.Empty(scene.Rows("SELECT id FROM outbox;"));

        // The writer is usable afterwards, and a change that completes commits both.
        writer.Write(Durability.Full, transaction =>
        {
            writer.Statement(transaction, InsertAudit).ExecuteNonQuery();
            writer.AddEvent(transaction, QueueEvents.CommandExecuted, """{"n":2}""");
        });
        Assert.Single(scene.Rows("SELECT id FROM audit;"));
        Assert.Equal("""{"n":2}""", Assert.Single(scene.Rows("SELECT payload FROM outbox;"))[0]);
    }

    [Fact]
    public void A_connection_back_from_the_writer_gives_readers_the_pragmas_every_connection_needs()
    {
        using var scene = new CommandScene();
        var writer = new QueueWriter(scene.Database, TimeProvider.System);
        writer.Write(Durability.Normal, transaction => writer.Statement(transaction, InsertAudit).ExecuteNonQuery()); // left NORMAL
        writer.Dispose(); // its connection goes back to the pool, where Open does not run the pragmas again

        // several at once, so that the pool hands out the writer's old handle as well as fresh ones
        var connections = Enumerable.Range(0, 4).Select(_ => scene.Database.Open()).ToList();
        try
        {
            foreach (var connection in connections)
            {
                Assert.Equal(2L, Pragma(connection, "synchronous"));  // FULL
                Assert.Equal(1L, Pragma(connection, "secure_delete"));
                Assert.Equal(1L, Pragma(connection, "foreign_keys"));
                // MEMORY: the statement journals of a group commit's savepoints hold page images of patient data;
                // in files (SQLite's default, /var/tmp) they were outside the data folder and its erasure
                Assert.Equal(2L, Pragma(connection, "temp_store"));
            }
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    private static long Pragma(Microsoft.Data.Sqlite.SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return (long)command.ExecuteScalar()!;
    }

    [Theory]
    [InlineData(false, 1L)]
    [InlineData(true, 2L)]
    public void The_transaction_runs_with_the_synchronous_level_asked_for(bool full, long pragma)
    {
        var durability = full ? Durability.Full : Durability.Normal;
        using var scene = new CommandScene();
        var writer = scene.Queue.Writer;
        var other = durability == Durability.Full ? Durability.Normal : Durability.Full;
        writer.Write(other, _ => { });

        var inside = writer.Write(durability, transaction =>
        {
            using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA synchronous;";
            return (long)command.ExecuteScalar()!;
        });

        Assert.Equal(pragma, inside);
    }

    [Fact]
    public void Each_operation_keeps_its_durability_full_for_acknowledgements_and_operators_normal_for_upload_bookkeeping()
    {
        using var scene = new CommandScene();
        var stores = scene.Queue;
        var writer = stores.Writer;
        var observed = new List<(string Operation, Durability Level)>();
        void Saw(string operation) => observed.Add((operation, writer.CurrentDurability()));

        var first = stores.Intake.Enqueue(Instance("1.2.3.9.1.1"));
        Saw("enqueue");
        stores.Intake.Enqueue(Instance("1.2.3.9.1.2"));
        var leased = stores.Leases.Lease("worker", TimeSpan.FromMinutes(5))!;
        Saw("lease");
        stores.Intake.RecordIdenticalDuplicate("pseudo", "TESTSCU");
        Saw("identical duplicate");
        stores.Leases.RenewLease(leased.Id, "worker", TimeSpan.FromMinutes(5));
        Saw("renew");
        stores.Leases.SaveCheckpoint(leased.Id, "worker", "checkpoint");
        Saw("checkpoint");
        stores.Leases.Postpone(leased.Id, "worker", "timeout", DateTimeOffset.UnixEpoch);
        Saw("postpone");
        stores.Leases.ReleaseExpiredLeases();
        Saw("release expired");
        var again = stores.Leases.Lease("worker", TimeSpan.FromMinutes(5))!;
        stores.Leases.MarkUploaded(again.Id, "worker", "key", "file", null);
        Saw("uploaded");
        var next = stores.Leases.Lease("worker", TimeSpan.FromMinutes(5))!;
        stores.Leases.MarkFailed(next.Id, "object store refused: 403");
        Saw("failed");
        stores.Operator.RetryFailed(null);
        Saw("retry failed");
        stores.Leases.ReleaseAllLeases();
        Saw("release all (recovery)");
        stores.Studies.MarkStableStudies(DateTimeOffset.MaxValue);
        Saw("stable studies");
        stores.Studies.MarkManifestUploaded(stores.Queries.Find(first)!.StudyId, 1, "pseudo", 2, "file");
        Saw("manifest uploaded");
        stores.Operator.ResendStudy("pseudo-1.2.3.9");
        Saw("resend");
        stores.Operator.Audit("local:test", "probe", "r1", "ok");
        Saw("audit");
        stores.Outbox.Delete(stores.Outbox.Batch().First().Id);
        Saw("outbox delete");
        stores.Outbox.Trim(1);
        Saw("outbox trim");

        Assert.Equal(
        [
            ("enqueue", Durability.Full), ("lease", Durability.Normal), ("identical duplicate", Durability.Full), ("renew", Durability.Normal),
            ("checkpoint", Durability.Normal), ("postpone", Durability.Normal), ("release expired", Durability.Normal), ("uploaded", Durability.Normal),
            ("failed", Durability.Full), ("retry failed", Durability.Full), ("release all (recovery)", Durability.Full), ("stable studies", Durability.Full),
            ("manifest uploaded", Durability.Full), ("resend", Durability.Full), ("audit", Durability.Full), ("outbox delete", Durability.Full),
            ("outbox trim", Durability.Full),
        ], observed);
    }

    [Fact]
    public void A_statement_runs_only_inside_a_transaction_of_the_writer()
    {
        using var scene = new CommandScene();
        using var connection = scene.Database.Open();
        using var foreign = connection.BeginTransaction();

        Assert.Throws<InvalidOperationException>(() => scene.Queue.Writer.Statement(foreign, InsertAudit));
    }
}
