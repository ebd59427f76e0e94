using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Throttling;
using Imaging.Edge.CloudSync.Upload;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Tests.Retention;
using Imaging.Edge.Gateway.Upload;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Gateway.Tests.Upload;

/// <summary>
/// An upload slot meets exceptions nobody planned for (a store that throws what no catch names, a database that
/// breaks): it must log, put the instance back with a backoff, go on, and show in the status while it keeps failing.
/// The real queue and a real folder store; the fault is injected by a store wrapper, the clock is fake.
/// </summary>
public sealed class UploadSlotTests : IDisposable
{
    private readonly RetentionScene _scene = new();
    private readonly string _cloud = Directory.CreateTempSubdirectory("edge-slot-cloud-").FullName;

    [Theory]
    [InlineData(typeof(UnauthorizedAccessException))]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(NullReferenceException))]
    public async Task A_slot_survives_an_unexpected_exception_and_uploads_the_instance_later(Type faultType)
    {
        var first = _scene.Receive();
        var second = _scene.Receive();
        var store = new FaultyStore(new FileSystemObjectStore(_cloud), failPuts: 1, () => (Exception)Activator.CreateInstance(faultType)!);
        using var run = Start(store, concurrency: 1);

        await run.UntilAsync(() => _scene.State(first) == InstanceStates.Uploaded && _scene.State(second) == InstanceStates.Uploaded);

        Assert.Equal(3, store.Puts); // the one that threw, then one per instance
        Assert.Empty(run.Slots.Problems(TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task A_slot_that_keeps_failing_is_named_in_the_status_and_recovers_when_the_fault_ends()
    {
        var id = _scene.Receive();
        var store = new FaultyStore(new FileSystemObjectStore(_cloud), failPuts: UploadSlots.FailingAfter, () => new InvalidCastException());
        using var run = Start(store, concurrency: 1);

        await run.UntilAsync(() => run.Slots.Problems(TimeSpan.FromHours(1)).Count > 0);
        var problem = Assert.Single(run.Slots.Problems(TimeSpan.FromHours(1)));
        Assert.Contains("upload slot 0 failing: InvalidCastException", problem, StringComparison.Ordinal);
        Assert.Contains("unexpected InvalidCastException", _scene.Queue.Queries.Find(id)!.LastError, StringComparison.Ordinal);

        await run.UntilAsync(() => _scene.State(id) == InstanceStates.Uploaded);
        Assert.Empty(run.Slots.Problems(TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task An_instance_whose_lease_expired_goes_back_to_pending_while_the_gateway_runs()
    {
        var id = _scene.Receive();
        var pause = new UploadPause();
        pause.Set(true); // no slot leases anything: the only way the row moves is the expired-lease sweep
        var leased = _scene.Queue.Leases.Lease("a-slot-that-died", TimeSpan.FromMinutes(5));
        Assert.Equal(id, leased!.Id);
        using var run = Start(new FileSystemObjectStore(_cloud), concurrency: 1, pause);

        await run.UntilAsync(() => _scene.State(id) == InstanceStates.Pending);
    }

    [Fact]
    public async Task A_long_upload_keeps_its_lease()
    {
        var id = _scene.Receive();
        var gate = new TaskCompletionSource();
        var store = new FaultyStore(new FileSystemObjectStore(_cloud), failPuts: 0, () => new InvalidOperationException(), gate.Task);
        using var run = Start(store, concurrency: 1, attemptTimeout: TimeSpan.FromDays(1));
        await run.UntilAsync(() => store.PutsStarted == 1);
        // A row whose slot died: once it is pending again, the expired-lease sweep has run after the long wait.
        var dead = _scene.Receive();
        Assert.Equal(dead, _scene.Queue.Leases.Lease("a-slot-that-died", TimeSpan.FromMinutes(5))!.Id);

        run.Advance(TimeSpan.FromHours(3)); // three lease lengths: without renewal the sweep would take it back
        await run.UntilAsync(() => _scene.State(dead) == InstanceStates.Pending);
        Assert.Equal(InstanceStates.Uploading, _scene.State(id));

        gate.SetResult();
        await run.UntilAsync(() => _scene.State(id) == InstanceStates.Uploaded);
    }

    [Fact]
    public async Task While_an_association_is_open_uploads_wait_then_one_slot_goes_on_and_all_resume_when_it_closes()
    {
        for (var i = 0; i < 4; i++) _scene.Receive();
        var associations = 1;
        var gate = new TaskCompletionSource();
        var store = new FaultyStore(new FileSystemObjectStore(_cloud), failPuts: 0, () => new InvalidOperationException(), gate.Task);
        using var run = Start(store, concurrency: 4, attemptTimeout: TimeSpan.FromDays(1), receiver: new ReceiverFirst(() => associations, () => false, _scene.Clock));
        for (var round = 0; round < 20; round++) // every slot comes round its loop several times within the grace
        {
            run.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }
        Assert.Equal(0, store.PutsStarted); // the receiver first: nothing starts while the association is young

        run.Clock.Advance(ReceiverFirst.Grace);
        await run.UntilAsync(() => store.PutsStarted >= 1);
        for (var round = 0; round < 20; round++)
        {
            run.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }
        Assert.Equal(1, store.PutsStarted); // uploads go on (slot 0), but take one core at most from the receiver

        associations = 0;
        await run.UntilAsync(() => store.PutsStarted == 4);
        gate.SetResult();
    }

    /// <summary>The soak's four senders never paused: with one slot the backlog grew until the disk reached the reserve
    /// and studies were refused. Once the backlog holds more than the disk has left, every slot uploads beside the receiver.</summary>
    [Fact]
    public async Task Once_the_backlog_outgrows_the_disk_room_every_slot_uploads_while_an_association_is_open()
    {
        for (var i = 0; i < 4; i++) _scene.Receive(size: 4096);
        var gate = new TaskCompletionSource();
        var store = new FaultyStore(new FileSystemObjectStore(_cloud), failPuts: 0, () => new InvalidOperationException(), gate.Task);
        var headroom = long.MaxValue;
        var backlog = new UploadBacklog(_scene.Queue.Queries.Waiting, () => headroom, _scene.Clock);
        var asked = 0; // how often a slot asked whether uploads are behind: each ask is a slot that decided to wait
        using var run = Start(store, concurrency: 4, attemptTimeout: TimeSpan.FromDays(1), receiver: new ReceiverFirst(() => 1, () =>
        {
            Interlocked.Increment(ref asked);
            return backlog.IsBehind();
        }, _scene.Clock));
        for (var round = 1; round <= 10; round++)
        {
            run.Clock.Advance(TimeSpan.FromSeconds(1));
            var target = 4 * round;
            await run.UntilAsync(() => Volatile.Read(ref asked) >= target); // every slot came round and asked
        }
        Assert.Equal(0, store.PutsStarted); // young association, backlog small: the receiver first

        headroom = 4 * 4096 - 1; // the disk has less room above the reserve than the backlog holds
        run.Clock.Advance(UploadBacklog.CheckEvery);
        await run.UntilAsync(() => store.PutsStarted == 4);
        gate.SetResult();
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(11, true)]
    public void Uploads_are_behind_once_the_oldest_waiting_instance_is_older_than_ten_minutes(int minutes, bool behind)
    {
        _scene.Receive();
        var backlog = new UploadBacklog(_scene.Queue.Queries.Waiting, () => long.MaxValue, _scene.Clock);
        _scene.Clock.Advance(TimeSpan.FromMinutes(minutes));

        Assert.Equal(behind, backlog.IsBehind());
    }

    private WorkerRun Start(IObjectStore store, int concurrency, UploadPause? pause = null, TimeSpan? attemptTimeout = null, ReceiverFirst? receiver = null)
    {
        var configuration = EdgeConfiguration.FromRoot(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Upload:Concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build());
        var clock = _scene.Clock;
        var settings = new ResilienceSettings { MaxRetryAttempts = 1 };
        if (attemptTimeout is { } timeout) settings = settings with { AttemptTimeout = timeout };
        var endpoint = new EndpointResilience(store, settings, clock, NullLogger.Instance);
        var slots = new UploadSlots(clock);
        var worker = new UploadWorker(_scene.Queue.Leases, new UploadEndpoints(endpoint, null, writeToBoth: false),
            new ObjectUploader(new UploadSettings(), NullLogger.Instance), ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default),
            new BandwidthLimiter(BandwidthSchedule.Unlimited, clock), new UploadMetrics(clock), pause ?? new UploadPause(), slots,
            receiver ?? new ReceiverFirst(() => 0, () => false, _scene.Clock), _scene.Queue.PendingFiles, _scene.Layout, configuration, clock, NullLogger<UploadWorker>.Instance);
        return new WorkerRun(worker, slots, _scene.Clock);
    }

    public void Dispose()
    {
        _scene.Dispose();
        Directory.Delete(_cloud, recursive: true);
    }

    /// <summary>A running worker on the fake clock: waiting for a condition moves the clock a second at a time.</summary>
    private sealed class WorkerRun : IDisposable
    {
        private readonly UploadWorker _worker;

        public WorkerRun(UploadWorker worker, UploadSlots slots, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock)
        {
            _worker = worker;
            Slots = slots;
            Clock = clock;
            worker.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        public UploadSlots Slots { get; }
        public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; }

        public void Advance(TimeSpan by)
        {
            for (var moved = TimeSpan.Zero; moved < by; moved += TimeSpan.FromSeconds(30))
                Clock.Advance(TimeSpan.FromSeconds(30));
        }

        public async Task UntilAsync(Func<bool> condition)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline, "condition not reached within 20 s of real time");
                Clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(5);
            }
        }

        public void Dispose() => _worker.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>A folder store whose first puts throw an exception of the test's choosing; a put may wait on a gate.</summary>
    private sealed class FaultyStore(IObjectStore inner, int failPuts, Func<Exception> fault, Task? gate = null) : IObjectStore
    {
        private int _puts;
        private int _started;

        public int Puts => _puts;
        public int PutsStarted => _started;
        public string Name => inner.Name;
        public string Location => inner.Location;

        public async Task<PutResult> PutAsync(string key, ObjectContent content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            if (gate is not null) await gate.WaitAsync(cancellationToken);
            if (Interlocked.Increment(ref _puts) <= failPuts) throw fault();
            return await inner.PutAsync(key, content, metadata, cancellationToken);
        }

        public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => inner.HeadAsync(key, cancellationToken);
        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
        public Task<string> StartMultipartAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) => inner.StartMultipartAsync(key, metadata, cancellationToken);
        public Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, ObjectContent content, CancellationToken cancellationToken) => inner.UploadPartAsync(key, uploadId, partNumber, content, cancellationToken);
        public Task<IReadOnlyList<UploadedPart>> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) => inner.ListPartsAsync(key, uploadId, cancellationToken);
        public Task<PutResult> CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) => inner.CompleteMultipartAsync(key, uploadId, parts, cancellationToken);
        public Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken) => inner.AbortMultipartAsync(key, uploadId, cancellationToken);
        public IAsyncEnumerable<PendingMultipartUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) => inner.ListMultipartUploadsAsync(prefix, cancellationToken);
    }
}
