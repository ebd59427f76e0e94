using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Throttling;
using Imaging.Edge.CloudSync.Upload;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// Uploads queued instances, <c>Upload:Concurrency</c> at a time: lease the next instance, upload and verify it,
/// and only then mark it uploaded. Transient trouble postpones it with a growing delay; a permanent error (access
/// denied, no such bucket) moves it to failed with the reason, for a person to fix and retry.
/// </summary>
internal sealed class UploadWorker(
    UploadLeases queue,
    UploadEndpoints endpoints,
    ObjectUploader uploader,
    ObjectKeyTemplate keys,
    BandwidthLimiter limiter,
    UploadMetrics metrics,
    UploadPause pause,
    UploadSlots slotStates,
    ReceiverFirst receiver,
    PendingFiles pendingFiles,
    DataLayout layout,
    EdgeConfiguration configuration,
    TimeProvider clock,
    ILogger<UploadWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromHours(1);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxPostpone = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LeaseSweep = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        GatewayUploadLog.Started(logger, endpoints.Primary.Store.Name, endpoints.Primary.Store.Location,
            endpoints.Backup?.Store.Location ?? "none", configuration.Upload.Concurrency);
        var slots = Enumerable.Range(0, configuration.Upload.Concurrency)
            .Select(_ => new UploadSlot(slotStates.Add(), configuration.Gateway.GatewayId))
            .Select(slot => Task.Run(() => RunSlotAsync(slot, stoppingToken), stoppingToken))
            .Append(ReleaseExpiredLeasesAsync(stoppingToken));
        return Task.WhenAll(slots);
    }

    /// <summary>
    /// One slot: lease, upload, repeat. Survives every exception: an unexpected one is logged, counted in the status
    /// (<see cref="UploadSlots"/>), and the slot waits a growing moment before it goes on (a broken database must not
    /// make it spin). Ends only when the gateway stops.
    /// </summary>
    private async Task RunSlotAsync(UploadSlot slot, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                slotStates.Progressed(slot.Index);
                if (pause.IsPaused || receiver.Waits(slot.Index))
                    await Task.Delay(IdlePoll, clock, stoppingToken).ConfigureAwait(false);
                else if (queue.Lease(slot.Owner, Lease) is { } instance)
                    await UploadOneAsync(instance, slot, stoppingToken).ConfigureAwait(false);
                else
                    await Task.Delay(IdlePoll, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break; // normal stop; a leased instance goes back to pending at the next start
            }
            catch (Exception e)
            {
                slotStates.Faulted(slot.Index, e);
                var faults = slotStates.ConsecutiveFaults(slot.Index);
                GatewayUploadLog.SlotFault(logger, e, slot.Index, e.GetType().Name, faults);
                await Task.Delay(SlotBackoff(faults), clock, stoppingToken).ConfigureAwait(false);
            }
        }
        slotStates.Ended(slot.Index);
    }

    /// <summary>
    /// Returns to pending, once a minute, instances whose lease ran out: their slot stopped renewing it (a hang, a
    /// thread lost). Survives every exception; says how many it released.
    /// </summary>
    private async Task ReleaseExpiredLeasesAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(LeaseSweep, clock, stoppingToken).ConfigureAwait(false);
                if (queue.ReleaseExpiredLeases() is var released and > 0)
                    GatewayUploadLog.ExpiredLeasesReleased(logger, released);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                GatewayUploadLog.LeaseSweepFailed(logger, e, e.GetType().Name);
            }
        }
    }

    /// <summary>
    /// Uploads one leased instance and records the outcome, renewing its lease while it works. Throws only for
    /// cancellation of the stopping token, or when even postponing the instance fails (the slot loop survives that).
    /// </summary>
    private async Task UploadOneAsync(QueuedInstance instance, UploadSlot slot, CancellationToken stoppingToken)
    {
        var owner = slot.Owner;
        using var renewal = new LeaseRenewal(queue, instance.Id, owner, Lease, clock, logger);
        try
        {
            var path = layout.Absolute(instance.LocalPath);
            // A small instance is uploaded from its bytes in the queue when its file is not written yet (the file
            // writer gives way to the receiver), so that its upload need not wait for a file and its sync.
            var bytes = pendingFiles.BytesOf(instance.Id);
            if (bytes is null && !File.Exists(path))
            {
                queue.MarkFailed(instance.Id, InstanceStates.FileMissing);
                slotStates.Done(slot.Index);
                return;
            }
            var key = keys.KeyFor(new ObjectKeyValues(configuration.Gateway.SiteId, configuration.Gateway.GatewayId, instance.StudyUid,
                instance.StudyPseudonym, instance.SeriesUid ?? "", instance.SopInstanceUid, instance.Version, instance.Sha256));
            var metadata = Privacy.Outbound.CheckMetadata(new Dictionary<string, string>
            {
                [ObjectMetadata.Sha256] = Convert.ToHexStringLower(instance.Sha256),
                [ObjectMetadata.SopClass] = instance.SopClassUid,
                [ObjectMetadata.TransferSyntax] = instance.TransferSyntaxUid,
                [ObjectMetadata.Gateway] = configuration.Gateway.GatewayId,
            });
            var destinations = new List<string>();
            // The key each endpoint holds the object under: the uploader puts it under another key rather than overwrite other bytes.
            var written = new List<(EndpointResilience Endpoint, string Key)>();
            string? etag = null;
            foreach (var endpoint in endpoints.Targets())
            {
                var checkpoint = instance.UploadCheckpoint;
                var request = new UploadRequest(key, path, instance.Size, instance.Sha256, metadata, checkpoint) { Bytes = bytes };
                var progress = new QueueCheckpoints(queue, instance.Id, owner, () => slotStates.Progressed(slot.Index));
                var result = await uploader.UploadAsync(endpoint, request, progress, limiter.Throttle, stoppingToken).ConfigureAwait(false);
                written.Add((endpoint, result.Key));
                destinations.Add(result.Endpoint);
                etag ??= result.ETag;
            }
            TestFaults.KillAt(TestFaults.UploadBeforeMarkUploaded);
            if (queue.MarkUploaded(instance.Id, owner, written[0].Key, string.Join('+', destinations), etag))
            {
                TestFaults.KillAt(TestFaults.UploadAfterMarkUploaded);
                metrics.Uploaded(instance.Size, destinations[0]);
                GatewayUploadLog.Uploaded(logger, instance.Id, destinations[0], instance.Size);
            }
            else if (queue.IsErasingOrGone(instance.Id))
            {
                // A patient erasure claimed the row while it was uploading: what was just written must not stay.
                await DeleteErasedAsync(written, instance.Id).ConfigureAwait(false);
            }
        }
        catch (ObjectStoreException e) when (e.Kind == ObjectStoreErrorKind.Permanent)
        {
            var reason = $"{e.Code ?? "error"} ({e.HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no status"}) from the object store";
            queue.MarkFailed(instance.Id, reason);
            GatewayUploadLog.Failed(logger, instance.Id, reason);
        }
        catch (BrokenCircuitException) when (!stoppingToken.IsCancellationRequested)
        {
            // Nothing reached the store: not an attempt, and the last real error stays on the row. With a backup
            // able to take over, the next lease goes there at once; without one, wait for the break to end.
            var wait = endpoints.BackupCanCover ? TimeSpan.FromSeconds(1) : Max(endpoints.Primary.RemainingBreak, TimeSpan.FromSeconds(1));
            var retryAt = clock.GetUtcNow() + wait;
            var cause = endpoints.Primary.LastFailure is { } failure ? $"{failure}; endpoint unavailable (circuit open)" : null;
            queue.Postpone(instance.Id, owner, cause, retryAt, countAttempt: false);
            GatewayUploadLog.Postponed(logger, instance.Id, retryAt, cause ?? "endpoint unavailable (circuit open)");
        }
        catch (Exception e) when (IsTransient(e) && !stoppingToken.IsCancellationRequested)
        {
            var retryAt = clock.GetUtcNow() + BackoffFor(instance.Attempts);
            var reason = Describe(e);
            queue.Postpone(instance.Id, owner, reason, retryAt);
            GatewayUploadLog.Postponed(logger, instance.Id, retryAt, reason);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            queue.Postpone(instance.Id, owner, "interrupted by shutdown", clock.GetUtcNow());
            throw;
        }
        catch (Exception e)
        {
            // Nobody expected this one (a database error, a bug): the instance waits like after a transient error,
            // under its type name only (its message may name files, and file names carry UIDs).
            slotStates.Faulted(slot.Index, e);
            var retryAt = clock.GetUtcNow() + BackoffFor(instance.Attempts);
            var reason = "unexpected " + Privacy.Outbound.ErrorText(e);
            GatewayUploadLog.UnexpectedError(logger, e, instance.Id, slot.Index, e.GetType().Name);
            queue.Postpone(instance.Id, owner, reason, retryAt);
            return;
        }
        slotStates.Done(slot.Index);
    }

    /// <summary>
    /// Deletes an object written for an instance that was erased meanwhile, from every endpoint it went to. Straight
    /// to the store (not through the resilience pipeline: an open circuit must not keep it there). Does not throw.
    /// </summary>
    private async Task DeleteErasedAsync(IReadOnlyList<(EndpointResilience Endpoint, string Key)> written, long instanceId)
    {
        foreach (var (endpoint, key) in written)
        {
            try
            {
                await endpoint.Store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
                GatewayUploadLog.ErasedWhileUploading(logger, instanceId, endpoint.Store.Name);
            }
            catch (Exception e) when (e is ObjectStoreException or IOException or HttpRequestException)
            {
                GatewayUploadLog.ErasedObjectNotDeleted(logger, instanceId, endpoint.Store.Name, e.GetType().Name);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>1 s, 2 s, 4 s … up to a minute: a fault that repeats (a broken database) is not retried in a spin.</summary>
    private static TimeSpan SlotBackoff(int faults) => TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Max(0, faults - 1))));

    private static bool IsTransient(Exception e) => e is ObjectStoreException or TimeoutRejectedException
        or UploadVerificationException or IOException or HttpRequestException or OperationCanceledException;

    /// <summary>Exponential with jitter: 5 s, 10 s, 20 s, up to 10 minutes.</summary>
    private static TimeSpan BackoffFor(int attempts)
    {
        var seconds = Math.Min(MaxPostpone.TotalSeconds, 5 * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    /// <summary>
    /// The reason kept on the row and logged (the log reaches ops): codes and kinds only, never an exception's text,
    /// which may name a file or an object key, and both can carry UIDs.
    /// </summary>
    private static string Describe(Exception e) => e switch
    {
        ObjectStoreException s => $"{s.Code ?? "transient error"} ({s.HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no status"})",
        TimeoutRejectedException => "attempt timed out",
        UploadVerificationException v => "verification failed: " + v.Message, // our own texts, sizes only
        _ => Privacy.Outbound.ErrorText(e),
    };

    /// <summary>Multipart progress goes into the instance's queue row, under its lease.</summary>
    private sealed class QueueCheckpoints(UploadLeases queue, long id, string owner, Action progressed) : IUploadCheckpoints
    {
        private int _saved;

        public Task SaveAsync(string? checkpoint, CancellationToken cancellationToken)
        {
            queue.SaveCheckpoint(id, owner, checkpoint);
            // the first save records the started upload, each later one a part done
            if (Interlocked.Increment(ref _saved) > 1) TestFaults.KillAt(TestFaults.UploadAfterPart);
            progressed();
            return Task.CompletedTask;
        }
    }
}
