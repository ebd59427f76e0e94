using System.Text.Json;
using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// Aborts this gateway's multipart uploads that no queue row refers to any more (an upload restarted from scratch, a
/// row deleted), once they are old enough not to be one that is just starting. Buckets bill for the parts of abandoned
/// uploads until they are aborted. Only under this gateway's own key prefix (<see cref="ObjectKeyTemplate.GatewayPrefix"/>):
/// another gateway of the site, sharing the bucket, may be in the middle of a long upload that our queue knows nothing
/// of. A key template whose prefix does not name the gateway leaves nothing that is surely ours: the sweep is off, and
/// the bucket's lifecycle rule (AbortIncompleteMultipartUpload) must do it.
/// </summary>
internal sealed class MultipartSweeper(UploadLeases queue, UploadEndpoints endpoints, ObjectKeyTemplate keys, EdgeConfiguration configuration,
    TimeProvider clock, ILogger<MultipartSweeper> logger)
    : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinimumAge = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (keys.GatewayPrefix(configuration.Gateway.SiteId, configuration.Gateway.GatewayId) is null)
        {
            GatewayUploadLog.SweepOff(logger);
            return;
        }
        await GuardedSweepAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(Every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            await GuardedSweepAsync(stoppingToken).ConfigureAwait(false);
    }

    /// <summary>A sweep whose unexpected failure (the queue's read of the checkpoints) is logged, not fatal to the host.</summary>
    private async Task GuardedSweepAsync(CancellationToken stoppingToken)
    {
        try
        {
            await SweepAsync(MinimumAge, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            GatewayUploadLog.SweepPassFailed(logger, e, e.GetType().Name);
        }
    }

    /// <summary>One sweep over every endpoint. Returns how many uploads were aborted. Does not throw for store trouble.</summary>
    public async Task<int> SweepAsync(TimeSpan minimumAge, CancellationToken cancellationToken)
    {
        if (keys.GatewayPrefix(configuration.Gateway.SiteId, configuration.Gateway.GatewayId) is not { } prefix) return 0;
        var referenced = queue.Checkpoints()
            .Select(text => { try { return JsonDocument.Parse(text).RootElement.GetProperty("UploadId").GetString(); } catch (JsonException) { return null; } catch (KeyNotFoundException) { return null; } })
            .Where(id => id is not null)
            .ToHashSet(StringComparer.Ordinal);
        var aborted = 0;
        foreach (var endpoint in new[] { endpoints.Primary, endpoints.Backup })
        {
            if (endpoint is null) continue;
            try
            {
                await foreach (var upload in endpoint.Store.ListMultipartUploadsAsync(prefix, cancellationToken).ConfigureAwait(false))
                {
                    if (referenced.Contains(upload.UploadId) || clock.GetUtcNow() - upload.Initiated < minimumAge) continue;
                    await endpoint.Store.AbortMultipartAsync(upload.Key, upload.UploadId, cancellationToken).ConfigureAwait(false);
                    aborted++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A store code or the exception's kind, never its text: texts name files and keys (Privacy.Outbound).
                GatewayUploadLog.SweepFailed(logger, endpoint.Store.Name,
                    e is CloudSync.Stores.ObjectStoreException s ? s.Code ?? s.Kind.ToString() : Privacy.Outbound.ErrorText(e));
            }
        }
        return aborted;
    }
}
