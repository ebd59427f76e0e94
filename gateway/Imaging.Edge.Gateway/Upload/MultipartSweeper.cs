using System.Text.Json;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// Aborts multipart uploads under this site's prefix that no queue row refers to any more (an upload restarted
/// from scratch, a row deleted), once they are old enough not to be one that is just starting. Buckets bill
/// for the parts of abandoned uploads until they are aborted.
/// </summary>
internal sealed class MultipartSweeper(InstanceQueue queue, UploadEndpoints endpoints, EdgeConfiguration configuration, TimeProvider clock, ILogger<MultipartSweeper> logger)
    : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinimumAge = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SweepAsync(MinimumAge, stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(Every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            await SweepAsync(MinimumAge, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>One sweep over every endpoint. Returns how many uploads were aborted. Does not throw for store trouble.</summary>
    public async Task<int> SweepAsync(TimeSpan minimumAge, CancellationToken cancellationToken)
    {
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
                await foreach (var upload in endpoint.Store.ListMultipartUploadsAsync(configuration.Gateway.SiteId + "/", cancellationToken).ConfigureAwait(false))
                {
                    if (referenced.Contains(upload.UploadId) || clock.GetUtcNow() - upload.Initiated < minimumAge) continue;
                    await endpoint.Store.AbortMultipartAsync(upload.Key, upload.UploadId, cancellationToken).ConfigureAwait(false);
                    aborted++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                GatewayUploadLog.SweepFailed(logger, endpoint.Store.Name, e.Message);
            }
        }
        return aborted;
    }
}
