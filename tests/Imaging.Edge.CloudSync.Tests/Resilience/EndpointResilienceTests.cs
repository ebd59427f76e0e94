using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;

namespace Imaging.Edge.CloudSync.Tests.Resilience;

public sealed class EndpointResilienceTests
{
    private static readonly ResilienceSettings Quick = new()
    {
        MaxRetryAttempts = 1,
        FirstRetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        MinimumThroughput = 2,
        FailureRatio = 0.5,
        SamplingDuration = TimeSpan.FromSeconds(5),
        BreakDuration = TimeSpan.FromMilliseconds(500), // Polly's minimum
    };

    private static ObjectStoreException Transient() => new(ObjectStoreErrorKind.Transient, "503 SlowDown", "SlowDown", 503);

    private static ObjectStoreException Permanent() => new(ObjectStoreErrorKind.Permanent, "403 AccessDenied", "AccessDenied", 403);

    private static Task<ObjectInfo?> HeadAsync(EndpointResilience endpoint) =>
        endpoint.Pipeline.ExecuteAsync(async token => await endpoint.Store.HeadAsync("k", token), CancellationToken.None).AsTask();

    [Fact]
    public async Task Repeated_transient_failures_open_the_circuit_and_calls_then_fail_without_reaching_the_store()
    {
        var store = new FailingStore(_ => Transient());
        // A break long enough that a slow CI machine cannot reach its end (and half-open) between the calls below.
        var endpoint = new EndpointResilience(store, Quick with { BreakDuration = TimeSpan.FromSeconds(60) }, TimeProvider.System, NullLogger.Instance);

        await Assert.ThrowsAsync<ObjectStoreException>(() => HeadAsync(endpoint));
        var callsWhenOpened = store.Calls;

        Assert.Equal(2, callsWhenOpened); // the attempt and its retry
        Assert.True(endpoint.IsUnavailable);
        Assert.Equal(CircuitState.Open, endpoint.CircuitState);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => HeadAsync(endpoint));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => HeadAsync(endpoint));
        Assert.Equal(callsWhenOpened, store.Calls);
    }

    [Fact]
    public async Task After_the_break_duration_a_successful_call_closes_the_circuit()
    {
        var failing = true;
        var store = new FailingStore(_ => Volatile.Read(ref failing) ? Transient() : null);
        var endpoint = new EndpointResilience(store, Quick, TimeProvider.System, NullLogger.Instance);
        await Assert.ThrowsAsync<ObjectStoreException>(() => HeadAsync(endpoint));
        Assert.True(endpoint.IsUnavailable);

        Volatile.Write(ref failing, false);
        await Task.Delay(Quick.BreakDuration + TimeSpan.FromMilliseconds(150));
        var answer = await HeadAsync(endpoint);

        Assert.Null(answer);
        Assert.Equal(CircuitState.Closed, endpoint.CircuitState);
        Assert.False(endpoint.IsUnavailable);
    }

    [Fact]
    public async Task A_failed_trial_after_the_break_opens_the_circuit_again()
    {
        var store = new FailingStore(_ => Transient());
        var endpoint = new EndpointResilience(store, Quick, TimeProvider.System, NullLogger.Instance);
        await Assert.ThrowsAsync<ObjectStoreException>(() => HeadAsync(endpoint));

        await Task.Delay(Quick.BreakDuration + TimeSpan.FromMilliseconds(150));
        var before = store.Calls;
        await Assert.ThrowsAnyAsync<Exception>(() => HeadAsync(endpoint));

        Assert.Equal(before + 1, store.Calls); // one trial call only
        Assert.True(endpoint.IsUnavailable);
    }

    [Fact]
    public async Task Permanent_failures_are_not_retried_and_do_not_open_the_circuit()
    {
        var store = new FailingStore(_ => Permanent());
        var endpoint = new EndpointResilience(store, Quick with { MaxRetryAttempts = 4 }, TimeProvider.System, NullLogger.Instance);

        for (var i = 1; i <= 5; i++)
        {
            var error = await Assert.ThrowsAsync<ObjectStoreException>(() => HeadAsync(endpoint));
            Assert.Equal(ObjectStoreErrorKind.Permanent, error.Kind);
            Assert.Equal(i, store.Calls);
        }
        Assert.False(endpoint.IsUnavailable);
    }

    [Fact]
    public async Task NoSuchUpload_is_not_retried()
    {
        var store = new FailingStore(_ => new ObjectStoreException(ObjectStoreErrorKind.NoSuchUpload, "gone", "NoSuchUpload", 404));
        var endpoint = new EndpointResilience(store, Quick with { MaxRetryAttempts = 4 }, TimeProvider.System, NullLogger.Instance);

        await Assert.ThrowsAsync<ObjectStoreException>(() => HeadAsync(endpoint));

        Assert.Equal(1, store.Calls);
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_the_store_answers()
    {
        var store = new FailingStore(call => call <= 3 ? Transient() : null);
        var endpoint = new EndpointResilience(store, Quick with { MaxRetryAttempts = 4, MinimumThroughput = 100 }, TimeProvider.System, NullLogger.Instance);

        var answer = await HeadAsync(endpoint);

        Assert.Null(answer);
        Assert.Equal(4, store.Calls);
        Assert.False(endpoint.IsUnavailable);
    }

    [Fact]
    public async Task An_attempt_that_hangs_times_out_and_is_retried()
    {
        var calls = 0;
        var store = new HangingOnceStore(() => Interlocked.Increment(ref calls));
        var endpoint = new EndpointResilience(store,
            Quick with { MaxRetryAttempts = 2, AttemptTimeout = TimeSpan.FromMilliseconds(100), MinimumThroughput = 100 },
            TimeProvider.System, NullLogger.Instance);

        var answer = await endpoint.Pipeline.ExecuteAsync(async token => await store.HeadAsync("k", token), CancellationToken.None);

        Assert.Null(answer);
        Assert.Equal(2, calls);
    }

    /// <summary>HEAD hangs (until cancelled) on the first call and answers on the next.</summary>
    private sealed class HangingOnceStore(Func<int> count) : IObjectStore
    {
        public string Name => "hanging";
        public string Location => "nowhere";

        public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
        {
            if (count() == 1) await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }

        public Task<PutResult> PutAsync(string key, ObjectContent content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<string> StartMultipartAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, ObjectContent content, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<UploadedPart>> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<PutResult> CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<PendingMultipartUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
