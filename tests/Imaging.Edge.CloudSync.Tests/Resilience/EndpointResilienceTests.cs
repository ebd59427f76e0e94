using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;

namespace Imaging.Edge.CloudSync.Tests.Resilience;

/// <summary>
/// The pipeline on a clock that moves only when the test says so (<see cref="ManualTimeProvider"/>): breaks and
/// timeouts pass without waiting for them, and a slow machine cannot reach the end of a break by accident. Retries
/// wait zero time (their delays are not under test here).
/// </summary>
public sealed class EndpointResilienceTests
{
    private static readonly ResilienceSettings Quick = new()
    {
        MaxRetryAttempts = 1,
        FirstRetryDelay = TimeSpan.Zero,
        MaxRetryDelay = TimeSpan.Zero,
        AttemptTimeout = TimeSpan.FromSeconds(10),
        MinimumThroughput = 2,
        FailureRatio = 0.5,
        SamplingDuration = TimeSpan.FromSeconds(5),
        BreakDuration = TimeSpan.FromSeconds(30),
    };

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));

    private EndpointResilience Endpoint(IObjectStore store, ResilienceSettings settings) => new(store, settings, _clock, NullLogger.Instance);

    private static ObjectStoreException Transient() => new(ObjectStoreErrorKind.Transient, "503 SlowDown", "SlowDown", 503);

    private static ObjectStoreException Permanent() => new(ObjectStoreErrorKind.Permanent, "403 AccessDenied", "AccessDenied", 403);

    private static Task<ObjectInfo?> HeadAsync(EndpointResilience endpoint) =>
        endpoint.Pipeline.ExecuteAsync(async token => await endpoint.Store.HeadAsync("k", token), CancellationToken.None).AsTask();

    [Fact]
    public async Task Repeated_transient_failures_open_the_circuit_and_calls_then_fail_without_reaching_the_store()
    {
        var store = new FailingStore(_ => Transient());
        var endpoint = Endpoint(store, Quick);

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
        var endpoint = Endpoint(store, Quick);
        await Assert.ThrowsAsync<ObjectStoreException>(() => HeadAsync(endpoint));
        Assert.True(endpoint.IsUnavailable);

        Volatile.Write(ref failing, false);
        _clock.Advance(Quick.BreakDuration - TimeSpan.FromSeconds(1));
        Assert.True(endpoint.IsUnavailable);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => HeadAsync(endpoint));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(endpoint.IsUnavailable); // the next call is let through to find out
        var answer = await HeadAsync(endpoint);

        Assert.Null(answer);
        Assert.Equal(CircuitState.Closed, endpoint.CircuitState);
        Assert.False(endpoint.IsUnavailable);
    }

    [Fact]
    public async Task A_failed_trial_after_the_break_opens_the_circuit_again()
    {
        var store = new FailingStore(_ => Transient());
        var endpoint = Endpoint(store, Quick);
        await Assert.ThrowsAsync<ObjectStoreException>(() => HeadAsync(endpoint));

        _clock.Advance(Quick.BreakDuration);
        var before = store.Calls;
        await Assert.ThrowsAnyAsync<Exception>(() => HeadAsync(endpoint));

        Assert.Equal(before + 1, store.Calls); // one trial call only
        Assert.True(endpoint.IsUnavailable);
        // The next break is twice as long: still unavailable where the first break would have ended.
        _clock.Advance(Quick.BreakDuration);
        Assert.True(endpoint.IsUnavailable);
        _clock.Advance(Quick.BreakDuration);
        Assert.False(endpoint.IsUnavailable);
    }

    [Fact]
    public async Task Permanent_failures_are_not_retried_and_do_not_open_the_circuit()
    {
        var store = new FailingStore(_ => Permanent());
        var endpoint = Endpoint(store, Quick with { MaxRetryAttempts = 4 });

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
        var endpoint = Endpoint(store, Quick with { MaxRetryAttempts = 4 });

        await Assert.ThrowsAsync<ObjectStoreException>(() => HeadAsync(endpoint));

        Assert.Equal(1, store.Calls);
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_the_store_answers()
    {
        var store = new FailingStore(call => call <= 3 ? Transient() : null);
        var endpoint = Endpoint(store, Quick with { MaxRetryAttempts = 4, MinimumThroughput = 100 });

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
        var endpoint = Endpoint(store, Quick with { MaxRetryAttempts = 2, AttemptTimeout = TimeSpan.FromMinutes(5), MinimumThroughput = 100 });

        var call = endpoint.Pipeline.ExecuteAsync(async token => await store.HeadAsync("k", token), CancellationToken.None).AsTask();
        // The first attempt hangs with its timeout timer armed; the timeout fires when the clock passes it, not before.
        for (var i = 0; i < 200 && !(Volatile.Read(ref calls) == 1 && _clock.PendingTimers > 0); i++) await Task.Delay(10);
        Assert.Equal((1, 1), (Volatile.Read(ref calls), _clock.PendingTimers));
        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.False(call.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var answer = await call.WaitAsync(TimeSpan.FromSeconds(30));

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
