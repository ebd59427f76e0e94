using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Tests.Commands;

namespace Imaging.Edge.Gateway.Tests.Queue;

/// <summary>Acknowledgements that wait for the writer at the same moment share one FULL commit (one sync).</summary>
public sealed class GroupCommitTests
{
    private static string InsertAudit(int n) =>
        $"INSERT INTO audit (at, actor, action, request_id, result) VALUES (1, 'local:test', 'probe', 'r{n}', 'ok');";

    /// <summary>A commit that holds the write lock until <paramref name="release"/> is set: what arrives meanwhile waits.</summary>
    private static Task CommitInFlight(QueueWriter writer, ManualResetEventSlim release)
    {
        using var inFlight = new ManualResetEventSlim();
        var holder = Task.Run(() => writer.Write(Durability.Full, _ =>
        {
            inFlight.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        }));
        Assert.True(inFlight.Wait(TimeSpan.FromSeconds(10)));
        return holder;
    }

    [Fact]
    public async Task Changes_that_wait_while_a_commit_is_in_flight_ride_the_next_commit_together()
    {
        using var scene = new CommandScene();
        var writer = scene.Queue.Writer;
        using var release = new ManualResetEventSlim();
        var holder = CommitInFlight(writer, release);
        var before = writer.GroupCommits;

        var changes = Enumerable.Range(1, 8).Select(n => Task.Run(() => writer.WriteTogether(transaction =>
        {
            writer.Statement(transaction, InsertAudit(n)).ExecuteNonQuery();
            return n;
        }))).ToArray();
        SpinWait.SpinUntil(() => writer.WaitingToCommit == 8, TimeSpan.FromSeconds(10));
        Assert.Equal(8, writer.WaitingToCommit);
        release.Set();
        await holder.WaitAsync(TimeSpan.FromSeconds(10));

        var results = await Task.WhenAll(changes).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(1, 8), results);
        Assert.Equal(1, writer.GroupCommits - before);
        Assert.Equal(8, scene.Rows("SELECT id FROM audit;").Count);
    }

    [Fact]
    public async Task A_change_that_throws_rolls_back_alone_and_its_caller_gets_the_exception()
    {
        using var scene = new CommandScene();
        var writer = scene.Queue.Writer;
        using var release = new ManualResetEventSlim();
        var holder = CommitInFlight(writer, release);

        var good = Task.Run(() => writer.WriteTogether(t => writer.Statement(t, InsertAudit(1)).ExecuteNonQuery()));
        SpinWait.SpinUntil(() => writer.WaitingToCommit == 1, TimeSpan.FromSeconds(10));
        var bad = Task.Run(() => writer.WriteTogether<int>(t =>
        {
            writer.Statement(t, InsertAudit(2)).ExecuteNonQuery();
            throw new InvalidOperationException("this change fails after its insert");
        }));
        SpinWait.SpinUntil(() => writer.WaitingToCommit == 2, TimeSpan.FromSeconds(10));
        var alsoGood = Task.Run(() => writer.WriteTogether(t => writer.Statement(t, InsertAudit(3)).ExecuteNonQuery()));
        SpinWait.SpinUntil(() => writer.WaitingToCommit == 3, TimeSpan.FromSeconds(10));
        Assert.Equal(3, writer.WaitingToCommit);
        release.Set();
        await holder.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, await good.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, await alsoGood.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => bad.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["r1", "r3"], scene.Rows("SELECT request_id FROM audit ORDER BY id;").Select(r => r[0]));
    }

    [Fact]
    public void A_lone_change_that_throws_leaves_nothing_and_its_caller_gets_the_exception()
    {
        using var scene = new CommandScene();
        var writer = scene.Queue.Writer;

        Assert.Throws<InvalidOperationException>(() => writer.WriteTogether<int>(t =>
        {
            writer.Statement(t, InsertAudit(1)).ExecuteNonQuery();
            writer.AddEvent(t, QueueEvents.CommandExecuted, """{"n":1}""");
            throw new InvalidOperationException("the lone change fails after its writes");
        }));
        Assert.Empty(scene.Rows("SELECT id FROM audit;"));
        Assert.Empty(scene.Rows("SELECT id FROM outbox;"));

        writer.WriteTogether(t => writer.Statement(t, InsertAudit(2)).ExecuteNonQuery());
        Assert.Equal(["r2"], scene.Rows("SELECT request_id FROM audit;").Select(r => r[0]));
    }

    [Fact]
    public void A_lone_change_commits_at_once_without_waiting_for_company()
    {
        using var scene = new CommandScene();
        var writer = scene.Queue.Writer;
        var before = writer.GroupCommits;

        for (var n = 1; n <= 3; n++)
        {
            writer.WriteTogether(t => writer.Statement(t, InsertAudit(n)).ExecuteNonQuery());
            Assert.Equal(n, scene.Rows("SELECT id FROM audit;").Count);
        }

        Assert.Equal(3, writer.GroupCommits - before);
        Assert.Equal(Durability.Full, writer.CurrentDurability());
    }
}
