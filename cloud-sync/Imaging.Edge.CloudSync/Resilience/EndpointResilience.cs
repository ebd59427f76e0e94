using Imaging.Edge.CloudSync.Stores;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Imaging.Edge.CloudSync.Resilience;

/// <summary>Settings of one endpoint's pipeline.</summary>
public sealed record ResilienceSettings
{
    public int MaxRetryAttempts { get; init; } = 4;
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
    public int MinimumThroughput { get; init; } = 4;
    public double FailureRatio { get; init; } = 0.5;
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The resilience pipeline of one endpoint, built once: retry (exponential, jitter, capped) → circuit breaker →
/// per-attempt timeout (CONVENTIONS.md §11). Only transient store failures and timeouts are retried; permanent
/// ones pass straight through. While the circuit is open, calls fail at once with <see cref="BrokenCircuitException"/>,
/// which is how the uploader knows to use the backup endpoint.
/// </summary>
public sealed class EndpointResilience
{
    private static readonly TimeSpan MaxBreak = TimeSpan.FromMinutes(10);
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly TimeProvider _clock;
    private DateTimeOffset _openUntil;

    public EndpointResilience(IObjectStore store, ResilienceSettings settings, TimeProvider clock, ILogger logger)
    {
        Store = store;
        _clock = clock;
        var transient = new PredicateBuilder()
            .Handle<ObjectStoreException>(e => e.Kind == ObjectStoreErrorKind.Transient)
            .Handle<TimeoutRejectedException>();
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = clock, Name = store.Name }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = settings.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.FirstRetryDelay,
                MaxDelay = settings.MaxRetryDelay,
                OnRetry = args =>
                {
                    LastFailure = Describe(args.Outcome.Exception);
                    UploadLog.Retrying(logger, store.Name, args.AttemptNumber + 1, args.RetryDelay, Describe(args.Outcome.Exception));
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = settings.FailureRatio,
                MinimumThroughput = settings.MinimumThroughput,
                SamplingDuration = settings.SamplingDuration,
                BreakDuration = settings.BreakDuration,
                // Each failed trial after a break doubles the next break (up to 10 minutes): an endpoint that stays
                // down is asked less and less often.
                BreakDurationGenerator = args => ValueTask.FromResult(TimeSpan.FromTicks(
                    Math.Min(MaxBreak.Ticks, settings.BreakDuration.Ticks << Math.Min(args.HalfOpenAttempts, 16)))),
                StateProvider = _circuit,
                OnOpened = args =>
                {
                    if (args.Outcome.Exception is { } cause) LastFailure = Describe(cause);
                    _openUntil = clock.GetUtcNow() + args.BreakDuration;
                    UploadLog.CircuitOpened(logger, store.Name, args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    UploadLog.CircuitClosed(logger, store.Name);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(settings.AttemptTimeout)
            .Build();
    }

    public IObjectStore Store { get; }

    public ResiliencePipeline Pipeline { get; }

    /// <summary>Closed, Open, HalfOpen or Isolated — for status and telemetry.</summary>
    public CircuitState CircuitState => _circuit.CircuitState;

    /// <summary>
    /// True while calls to this endpoint would be refused without trying. Once the break is over this is false again
    /// although the circuit still says Open: Polly moves to half-open only when a call goes through it, so the next
    /// upload must be let through to find out whether the endpoint is back.
    /// </summary>
    public bool IsUnavailable => _circuit.CircuitState switch
    {
        CircuitState.Isolated => true,
        CircuitState.Open => _clock.GetUtcNow() < _openUntil,
        _ => false,
    };

    /// <summary>The last transient failure seen on this endpoint (a store code such as SlowDown), for operators.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>How long the current break still lasts (zero when the endpoint may be tried).</summary>
    public TimeSpan RemainingBreak => IsUnavailable ? _openUntil - _clock.GetUtcNow() : TimeSpan.Zero;

    private static string Describe(Exception? exception) => exception switch
    {
        ObjectStoreException e => e.Code ?? e.Message,
        TimeoutRejectedException => "attempt timed out",
        null => "unknown",
        _ => exception.GetType().Name,
    };
}
