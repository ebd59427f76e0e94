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
/// SOP classes, counts, version, and each instance's object key) is put beside it as <c>manifest.v{N}.json</c> (named
/// after the gateway too when the key template's study prefix is not: <see cref="ObjectKeyTemplate.ManifestKey"/>), so
/// that the manifests of several gateways of a site never overwrite each other; a reopened study gets the next version.
/// The version in the bucket is recorded, so a manifest that fails is tried again on the next pass. A manifest is
/// regenerated from the queue on every try, so a try that wrote it without being recorded (a crash, a backup endpoint
/// that failed) may be replaced by the next one — but only a manifest this gateway wrote: another's stays, and this one
/// goes under a content-suffixed key (<see cref="ObjectUploader"/>).
/// </summary>
internal sealed class ManifestUploader(
    StudyStore queue,
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
        {
            if (pause.IsPaused) continue;
            try
            {
                await UploadPendingManifestsAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The queue itself failed (the long soak met SQLite's "abort due to ROLLBACK" on a full disk): a manifest
                // is only late, never lost, so the loop says so and goes on; it once stopped the whole host.
                GatewayUploadLog.ManifestPassFailed(logger, e, e.GetType().Name);
            }
        }
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
                // A store code or the exception's kind, never its text: texts name files and keys (Privacy.Outbound).
                GatewayUploadLog.ManifestPostponed(logger, pseudonym, e is CloudSync.Stores.ObjectStoreException s ? s.Code ?? s.Kind.ToString() : Privacy.Outbound.ErrorText(e));
            }
        }
    }

    private async Task UploadManifestAsync(long studyId, string studyUid, string pseudonym, int version, CancellationToken cancellationToken)
    {
        var instances = queue.InstancesOfStudy(studyId);
        var site = configuration.Gateway.SiteId;
        var gateway = configuration.Gateway.GatewayId;
        ObjectKeyValues KeyValues(QueuedInstance i) => new(site, gateway, studyUid, pseudonym, i.SeriesUid ?? "", i.SopInstanceUid, i.Version, i.Sha256);
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
        // A spool file (.part): a kill before the delete below leaves it to start-up recovery, which removes spool
        // files; a plain .json stayed for good once the study's manifest moved on (the chaos soak found them).
        var file = Path.Combine(layout.Spool, $"manifest-{studyId}-{version}.json{DataLayout.SpoolExtension}");
        await File.WriteAllBytesAsync(file, bytes, cancellationToken).ConfigureAwait(false);
        Intake.TestFaults.KillAt(Intake.TestFaults.ManifestAfterSpoolWrite);
        try
        {
            var key = keys.ManifestKey(KeyValues(instances[0]), version);
            var request = new UploadRequest(key, file, bytes.Length, SHA256.HashData(bytes), Privacy.Outbound.CheckMetadata(new Dictionary<string, string>
            {
                [ObjectMetadata.Sha256] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                [ObjectMetadata.Gateway] = gateway,
            }), null)
            {
                MayReplace = existing => existing.Metadata.TryGetValue(ObjectMetadata.Gateway, out var writer) && writer == gateway,
            };
            var targets = endpoints.Targets();
            var written = new List<(CloudSync.Resilience.EndpointResilience Endpoint, string Key)>();
            foreach (var endpoint in targets)
                written.Add((endpoint, (await uploader.UploadAsync(endpoint, request, NoCheckpoints.Instance, null, cancellationToken).ConfigureAwait(false)).Key));
            if (queue.MarkManifestUploaded(studyId, version, pseudonym, instances.Count, string.Join('+', targets.Select(t => t.Store.Name))))
            {
                GatewayUploadLog.ManifestUploaded(logger, pseudonym, version, instances.Count);
                return;
            }
            // The study was erased while its manifest was on its way: the manifest names its instances, so it goes too.
            foreach (var (endpoint, writtenKey) in written)
                await endpoint.Store.DeleteAsync(writtenKey, CancellationToken.None).ConfigureAwait(false);
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
