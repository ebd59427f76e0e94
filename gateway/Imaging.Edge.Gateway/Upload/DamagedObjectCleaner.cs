using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Upload;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// Removes objects this gateway wrote that failed verification (a body damaged on the way), so that a store does not
/// keep damaged bytes under a key once the instance is verified elsewhere (the backup, after a failover) or under
/// another key. The uploader reports each one (<see cref="Record"/>): it is remembered in the queue first, then the
/// removal is tried at once; while the store does not answer it is tried again with a growing delay (2 s doubling, at
/// most 10 minutes, never while the endpoint's circuit is open), across restarts. An object is deleted only while it
/// still is the damaged one (<see cref="DamagedObjectRemoval"/>): verified bytes written since are left alone.
/// Survives every exception; ends only when the gateway stops.
/// </summary>
internal sealed class DamagedObjectCleaner(DamagedObjectStore store, UploadEndpoints endpoints, TimeProvider clock, ILogger<DamagedObjectCleaner> logger)
    : BackgroundService, IDamagedObjects
{
    private const int Batch = 100;
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FaultPause = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _recorded = new(0);

    public ObjectKeyLocks Locks { get; } = new();

    /// <summary>Remembers the object (FULL commit) and wakes the removal. Throws a database error to the uploader.</summary>
    public void Record(DamagedObject damaged)
    {
        if (store.Record(damaged) is { } row)
            DamagedObjectLog.Recorded(logger, row, damaged.Endpoint);
        _recorded.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await RemoveDueAsync(stoppingToken).ConfigureAwait(false);
                var next = store.NextDue() - clock.GetUtcNow();
                wait = next is null || next > Idle ? Idle : next < TimeSpan.Zero ? TimeSpan.Zero : next.Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A broken database, a bug: logged, and tried again after a pause rather than in a spin.
                DamagedObjectLog.Fault(logger, e, e.GetType().Name);
                wait = FaultPause;
            }
            try
            {
                await _recorded.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>One pass over the rows that are due. Throws only for a database error or the stopping token.</summary>
    internal async Task RemoveDueAsync(CancellationToken cancellationToken)
    {
        foreach (var row in store.Due(clock.GetUtcNow(), Batch))
        {
            var endpoint = EndpointNamed(row.Object.Endpoint);
            if (endpoint is null)
            {
                DamagedObjectLog.EndpointGone(logger, row.Id, row.Object.Endpoint);
                store.Postpone(row.Id, clock.GetUtcNow() + MaxDelay, "endpoint not configured", countAttempt: false);
                continue;
            }
            if (endpoint.IsUnavailable)
            {
                store.Postpone(row.Id, clock.GetUtcNow() + endpoint.RemainingBreak, "endpoint unavailable (circuit open)", countAttempt: false);
                continue;
            }
            try
            {
                var outcome = await DamagedObjectRemoval.RemoveAsync(endpoint, row.Object, Locks, cancellationToken).ConfigureAwait(false);
                store.Forget(row.Id);
                if (outcome == DamagedObjectOutcome.Deleted) DamagedObjectLog.Deleted(logger, row.Id, endpoint.Store.Name);
                else DamagedObjectLog.Forgotten(logger, row.Id, endpoint.Store.Name, outcome == DamagedObjectOutcome.Gone ? "gone" : "replaced by other bytes");
            }
            catch (BrokenCircuitException)
            {
                store.Postpone(row.Id, clock.GetUtcNow() + Max(endpoint.RemainingBreak, TimeSpan.FromSeconds(1)), "endpoint unavailable (circuit open)", countAttempt: false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                // The store's code or the exception's kind, never its text: texts name keys (Privacy.Outbound).
                var error = e is CloudSync.Stores.ObjectStoreException s ? s.Code ?? s.Kind.ToString() : Privacy.Outbound.ErrorText(e);
                var retryAt = clock.GetUtcNow() + BackoffFor(row.Attempts + 1);
                store.Postpone(row.Id, retryAt, error, countAttempt: true);
                DamagedObjectLog.NotRemovedYet(logger, row.Id, endpoint.Store.Name, error, row.Attempts + 1, retryAt);
            }
        }
    }

    private EndpointResilience? EndpointNamed(string name) =>
        endpoints.Primary.Store.Name == name ? endpoints.Primary : endpoints.Backup?.Store.Name == name ? endpoints.Backup : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>2 s, 4 s, 8 s … up to 10 minutes, ±20 % jitter.</summary>
    private static TimeSpan BackoffFor(int attempts)
    {
        var seconds = Math.Min(MaxDelay.TotalSeconds, 2 * Math.Pow(2, Math.Min(20, Math.Max(0, attempts - 1))));
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    public override void Dispose()
    {
        _recorded.Dispose();
        base.Dispose();
    }
}
