using System.Security.Cryptography;
using System.Text.Json;
using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Upload;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// When a study is stable and nothing of it is left to upload, a JSON manifest (instances, sizes, SHA-256, series,
/// SOP classes, counts, version) is put beside it as <c>manifest.v{N}.json</c>; a reopened study gets the next version.
/// The version in the bucket is recorded, so a manifest that fails is tried again on the next pass.
/// </summary>
internal sealed class ManifestUploader(
    InstanceQueue queue,
    UploadEndpoints endpoints,
    ObjectUploader uploader,
    ObjectKeyTemplate keys,
    UploadPause pause,
    DataLayout layout,
    EdgeConfiguration configuration,
    TimeProvider clock,
    ILogger<ManifestUploader> logger) : BackgroundService
{
    private static readonly TimeSpan Pass = TimeSpan.FromSeconds(1);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Pass, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            if (!pause.IsPaused)
                await UploadPendingManifestsAsync(stoppingToken).ConfigureAwait(false);
    }

    public async Task UploadPendingManifestsAsync(CancellationToken cancellationToken)
    {
        foreach (var (studyId, studyUid, pseudonym, version) in queue.StudiesNeedingManifest())
        {
            try
            {
                await UploadManifestAsync(studyId, studyUid, pseudonym, version, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                GatewayUploadLog.ManifestPostponed(logger, pseudonym, e.GetType().Name + ": " + e.Message);
            }
        }
    }

    private async Task UploadManifestAsync(long studyId, string studyUid, string pseudonym, int version, CancellationToken cancellationToken)
    {
        var instances = queue.InstancesOfStudy(studyId);
        var site = configuration.Gateway.SiteId;
        var gateway = configuration.Gateway.GatewayId;
        ObjectKeyValues KeyValues(QueuedInstance i) => new(site, gateway, studyUid, pseudonym, i.SeriesUid ?? "", i.SopInstanceUid, i.Version);
        var manifest = new
        {
            SchemaVersion = 1,
            Study = pseudonym,
            StudyInstanceUid = studyUid,
            Version = version,
            Site = site,
            Gateway = gateway,
            CreatedAt = clock.GetUtcNow(),
            Counts = new
            {
                Instances = instances.Count,
                Series = instances.Select(i => i.SeriesUid).Distinct().Count(),
                Uploaded = instances.Count(i => InCloud(i.State)),
                Failed = instances.Count(i => i.State == InstanceStates.Failed),
                Bytes = instances.Sum(i => i.Size),
            },
            Series = instances.GroupBy(i => i.SeriesUid ?? "").Select(g => new
            {
                SeriesInstanceUid = g.Key,
                Instances = g.Select(i => new
                {
                    i.SopInstanceUid,
                    i.Version,
                    i.SopClassUid,
                    i.TransferSyntaxUid,
                    i.Size,
                    Sha256 = Convert.ToHexStringLower(i.Sha256),
                    Key = i.ObjectKey ?? keys.KeyFor(KeyValues(i)),
                    // An evicted instance's local copy is gone, its verified cloud copy is what the manifest describes.
                    State = InCloud(i.State) ? InstanceStates.Uploaded : i.State,
                }),
            }),
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        var file = Path.Combine(layout.Spool, $"manifest-{studyId}-{version}.json");
        await File.WriteAllBytesAsync(file, bytes, cancellationToken).ConfigureAwait(false);
        try
        {
            var key = keys.StudyPrefix(KeyValues(instances[0])) + $"manifest.v{version}.json";
            var request = new UploadRequest(key, file, bytes.Length, SHA256.HashData(bytes), Privacy.Outbound.CheckMetadata(new Dictionary<string, string>
            {
                [ObjectMetadata.Sha256] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                [ObjectMetadata.Gateway] = gateway,
            }), null);
            var targets = endpoints.Targets();
            foreach (var endpoint in targets)
                await uploader.UploadAsync(endpoint, request, NoCheckpoints.Instance, null, cancellationToken).ConfigureAwait(false);
            if (queue.MarkManifestUploaded(studyId, version, pseudonym, instances.Count, string.Join('+', targets.Select(t => t.Store.Name))))
            {
                GatewayUploadLog.ManifestUploaded(logger, pseudonym, version, instances.Count);
                return;
            }
            // The study was erased while its manifest was on its way: the manifest names its instances, so it goes too.
            foreach (var endpoint in targets)
                await endpoint.Store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            GatewayUploadLog.ManifestOfErasedStudyDeleted(logger, pseudonym);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Uploaded, or evicted by retention after its upload was verified: either way the object is in the bucket.</summary>
    private static bool InCloud(string state) => state is InstanceStates.Uploaded or InstanceStates.Evicted;

    private sealed class NoCheckpoints : IUploadCheckpoints
    {
        public static readonly NoCheckpoints Instance = new();
        public Task SaveAsync(string? checkpoint, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
