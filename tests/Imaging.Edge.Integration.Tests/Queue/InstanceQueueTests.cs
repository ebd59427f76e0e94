using Microsoft.Extensions.Time.Testing;
using System.Text.Json;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Integration.Tests.Queue;

/// <summary>The queue over a real SQLite file, with a clock the test moves: ordering, leases, retries, studies, events.</summary>
public sealed class InstanceQueueTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly RecoveryScene _scene;

    public InstanceQueueTests() => _scene = new RecoveryScene(_clock);

    public void Dispose() => _scene.Dispose();

    private QueueStores Queue => _scene.Queue;

    private static string Sop(int n) => "1.2.826.0.1.3680043.99.2." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Lease_takes_high_before_medium_before_low_then_oldest_first()
    {
        var low = _scene.Enqueue(Sop(1), priority: Priorities.Low);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var mediumOld = _scene.Enqueue(Sop(2), priority: Priorities.Medium);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var highOld = _scene.Enqueue(Sop(3), priority: Priorities.High);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var mediumNew = _scene.Enqueue(Sop(4), priority: Priorities.Medium);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var highNew = _scene.Enqueue(Sop(5), priority: Priorities.High);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var order = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            if (Queue.Leases.Lease("worker", TimeSpan.FromMinutes(5)) is not { } leased) break;
            Assert.Equal(InstanceStates.Uploading, leased.State);
            order.Add(leased.Id);
        }

        Assert.Equal([highOld, highNew, mediumOld, mediumNew, low], order);
        Assert.Null(Queue.Leases.Lease("worker", TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Expired_lease_returns_the_instance_to_pending_and_it_can_be_leased_again()
    {
        var id = _scene.Enqueue(Sop(1));
        var first = Queue.Leases.Lease("worker-1", TimeSpan.FromMinutes(1));
        Assert.Equal(id, first?.Id);
        Assert.Null(Queue.Leases.Lease("worker-2", TimeSpan.FromMinutes(1)));
        Assert.Equal(0, Queue.Leases.ReleaseExpiredLeases());

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, Queue.Leases.ReleaseExpiredLeases());
        Assert.Equal(InstanceStates.Pending, Queue.Queries.Find(id)!.State);

        var second = Queue.Leases.Lease("worker-2", TimeSpan.FromMinutes(1));
        Assert.Equal(id, second?.Id);
        Assert.Equal(2, second!.Attempts);
        Assert.False(Queue.Leases.MarkUploaded(id, "worker-1", "k", "file:", null), "the expired lease's owner cannot mark it uploaded");
        Assert.True(Queue.Leases.MarkUploaded(id, "worker-2", "k", "file:", null));
    }

    [Fact]
    public void Postponed_instance_is_not_leasable_before_its_retry_time_and_is_after()
    {
        var id = _scene.Enqueue(Sop(1));
        Assert.Equal(id, Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1))?.Id);

        Assert.False(Queue.Leases.Postpone(id, "someone-else", "timeout", _clock.GetUtcNow().AddMinutes(5)));
        Assert.True(Queue.Leases.Postpone(id, "worker", "timeout", _clock.GetUtcNow().AddMinutes(5)));
        var postponed = Queue.Queries.Find(id)!;
        Assert.Equal(InstanceStates.Pending, postponed.State);
        Assert.Equal("timeout", postponed.LastError);

        Assert.Null(Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1)));
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Null(Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1)));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(id, Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1))?.Id);
    }

    [Fact]
    public void Failed_instance_waits_until_retried_then_is_pending_again()
    {
        var id = _scene.Enqueue(Sop(1));
        var other = _scene.Enqueue(Sop(2));
        Assert.Equal(id, Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1))?.Id);
        Queue.Leases.MarkFailed(id, "object store refused: 403");
        Queue.Leases.MarkFailed(other, "object store refused: 403");

        var failed = Queue.Queries.Find(id)!;
        Assert.Equal(InstanceStates.Failed, failed.State);
        Assert.Equal("object store refused: 403", failed.LastError);
        Assert.Null(Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1)));
        Assert.Equal(2, _scene.Outbox().Count(e => e.Type == QueueEvents.UploadFailed));

        Assert.Equal([id], Queue.Operator.RetryFailed(id));
        var retried = Queue.Queries.Find(id)!;
        Assert.Equal(InstanceStates.Pending, retried.State);
        Assert.Null(retried.LastError);
        Assert.Equal(InstanceStates.Failed, Queue.Queries.Find(other)!.State);
        Assert.Equal(id, Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1))?.Id);

        Assert.Equal([other], Queue.Operator.RetryFailed(null));
        Assert.Equal(other, Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1))?.Id);
    }

    [Fact]
    public void Only_the_lease_owner_marks_an_instance_uploaded()
    {
        var id = _scene.Enqueue(Sop(1));
        Assert.False(Queue.Leases.MarkUploaded(id, "worker", "key", "s3://bucket", "etag"), "not leased yet");
        Assert.Equal(id, Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1))?.Id);

        Assert.False(Queue.Leases.MarkUploaded(id, "intruder", "key", "s3://bucket", "etag"));
        Assert.Equal(InstanceStates.Uploading, Queue.Queries.Find(id)!.State);
        Assert.True(Queue.Leases.MarkUploaded(id, "worker", "key", "s3://bucket", "etag"));
        var uploaded = Queue.Queries.Find(id)!;
        Assert.Equal(InstanceStates.Uploaded, uploaded.State);
        Assert.Equal("key", uploaded.ObjectKey);
        Assert.Equal("etag", uploaded.ETag);
        Assert.False(Queue.Leases.MarkUploaded(id, "worker", "key", "s3://bucket", "etag"), "a second mark is refused: the lease is gone");
        Assert.Null(Queue.Leases.Lease("worker", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task The_study_tracker_survives_a_failing_database_and_declares_the_study_once_it_is_back()
    {
        const string study = "1.2.826.0.1.3680043.99.8";
        using var tracker = new StudyTracker(Queue.Studies, TimeSpan.FromSeconds(1), _clock, NullLogger<StudyTracker>.Instance);
        _scene.Enqueue(Sop(1), study);
        _scene.Scalar("ALTER TABLE studies RENAME TO studies_away;"); // every check now fails with "no such table"
        await tracker.StartAsync(CancellationToken.None);
        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(tracker.CheckEvery);
            await Task.Delay(5);
        }
        Assert.NotNull(tracker.ExecuteTask);
        Assert.False(tracker.ExecuteTask!.IsCompleted, "the tracker's loop ended on the database error");

        _scene.Scalar("ALTER TABLE studies_away RENAME TO studies;");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!Equals(_scene.Scalar("SELECT state FROM studies WHERE study_uid = $s;", ("$s", study)), "stable"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the study was not declared stable after the database came back");
            _clock.Advance(tracker.CheckEvery);
            await Task.Delay(5);
        }
        await tracker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Study_becomes_stable_after_the_quiet_period_and_a_late_instance_reopens_it_for_a_new_manifest()
    {
        const string study = "1.2.826.0.1.3680043.99.7";
        var tracker = new StudyTracker(Queue.Studies, TimeSpan.FromSeconds(60), _clock, NullLogger<StudyTracker>.Instance);
        _scene.Enqueue(Sop(1), study);
        _clock.Advance(TimeSpan.FromSeconds(30));
        _scene.Enqueue(Sop(2), study);

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(tracker.MarkStable());
        _clock.Advance(TimeSpan.FromSeconds(2));
        var first = Assert.Single(tracker.MarkStable());
        Assert.Equal(1, first.ManifestVersion);
        Assert.Equal(2, first.InstanceCount);
        Assert.Equal("stable", _scene.Scalar("SELECT state FROM studies WHERE study_uid = $s;", ("$s", study)));
        Assert.Empty(tracker.MarkStable());

        _clock.Advance(TimeSpan.FromMinutes(10));
        _scene.Enqueue(Sop(3), study);
        Assert.Equal("open", _scene.Scalar("SELECT state FROM studies WHERE study_uid = $s;", ("$s", study)));
        Assert.Empty(tracker.MarkStable());
        _clock.Advance(TimeSpan.FromSeconds(61));
        var second = Assert.Single(tracker.MarkStable());
        Assert.Equal(2, second.ManifestVersion);
        Assert.Equal(3, second.InstanceCount);

        var complete = _scene.Outbox().Where(e => e.Type == QueueEvents.StudyComplete).Select(e => JsonDocument.Parse(e.Payload).RootElement).ToList();
        Assert.Equal([1, 2], complete.Select(e => e.GetProperty("manifestVersion").GetInt32()));
        Assert.All(complete, e => Assert.Equal(_scene.Pseudonymizer.Study(study), e.GetProperty("study").GetString()));
        var received = _scene.Outbox().Where(e => e.Type == QueueEvents.StudyReceived).Select(e => JsonDocument.Parse(e.Payload).RootElement).ToList();
        Assert.Equal([false, true], received.Select(e => e.GetProperty("reopened").GetBoolean()));
    }

    [Fact]
    public void Enqueue_writes_study_received_for_a_new_study_only()
    {
        _scene.Enqueue(Sop(1), "1.2.826.0.1.3680043.99.8");
        _scene.Enqueue(Sop(2), "1.2.826.0.1.3680043.99.8");
        _scene.Enqueue(Sop(3), "1.2.826.0.1.3680043.99.9");

        var received = _scene.Outbox().Where(e => e.Type == QueueEvents.StudyReceived).ToList();
        Assert.Equal(2, received.Count);
        Assert.Equal(
            [_scene.Pseudonymizer.Study("1.2.826.0.1.3680043.99.8"), _scene.Pseudonymizer.Study("1.2.826.0.1.3680043.99.9")],
            received.Select(e => JsonDocument.Parse(e.Payload).RootElement.GetProperty("study").GetString()));
        Assert.DoesNotContain(received, e => e.Payload.Contains("1.2.826.0.1.3680043.99", StringComparison.Ordinal));
        Assert.Equal(2L, _scene.Scalar("SELECT instance_count FROM studies WHERE study_uid = $s;", ("$s", "1.2.826.0.1.3680043.99.8")));
    }
}
