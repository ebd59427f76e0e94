using System.Globalization;
using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using StudyRow = Imaging.Edge.Gateway.Erasure.ErasureStore.StudyRow;
using Target = Imaging.Edge.Gateway.Erasure.ErasureStore.Target;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>
/// Erases one patient at once and completely: every instance file (with its <c>.vN</c> versions) and the study
/// folders left empty, every queue row (instances, studies left without instances, unpublished events naming them),
/// pending uploads cancelled, the copies in a file store inside the data folder (they are on the box), and — when
/// asked — the objects and study manifests in every configured bucket.
/// <para>
/// Order, so that an erased instance cannot come back: (1) the rows are claimed (state <c>erasing</c>) in one FULL
/// commit — no worker leases them any more and an upload in flight can no longer be marked done (its worker then
/// deletes what it wrote); (2) local files; (3) objects; (4) rows, events, the <c>erase.completed</c> event and
/// (for the command line) the audit row, in one transaction; (5) the file rebuilt from its rows (<c>VACUUM</c>: the
/// connection has <c>secure_delete</c> on, which zeroes what is deleted but not old copies of cells the b-tree moved
/// earlier); (6) <c>wal_checkpoint(TRUNCATE)</c>. If objects cannot be deleted the rows stay claimed and the
/// same request, given again, finishes.
/// </para>
/// Erasure is not a block-list: an instance of the patient that arrives later (including one whose spool file is
/// still being written by an association in progress) is stored and uploaded normally.
/// </summary>
internal sealed class PatientEraser(
    ErasureStore store,
    DataLayout layout,
    Pseudonymizer pseudonymizer,
    IReadOnlyList<IObjectStore> stores,
    ObjectKeyTemplate keys,
    GatewayOptions gateway,
    ILogger<PatientEraser> logger)
{
    public const string Action = "erase-patient";

    /// <summary>
    /// Runs the erasure. <paramref name="writeAudit"/>: write the audit row in the final transaction (the command line;
    /// the command dispatcher audits commands itself). <paramref name="sweepUnindexedFiles"/>: no gateway runs on the
    /// data folder, so files in an erased study's folder that no row names (left by a crash) are erased too; while a
    /// gateway runs they may be instances being stored right now, which are "arriving later".
    /// Throws <see cref="SqliteException"/> or <see cref="IOException"/> when the queue cannot be changed; object store
    /// failures are reported in the result (<see cref="ErasureResult.Complete"/> false), not thrown.
    /// </summary>
    public async Task<ErasureResult> EraseAsync(ErasureRequest request, bool writeAudit, bool sweepUnindexedFiles, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.PatientId)) throw new ArgumentException("a patient ID is required", nameof(request));
        // The callers refuse first, with their own words; this is the last line.
        if (request.Refusal is { } refusal) throw new ArgumentException(refusal, nameof(request));
        var patient = pseudonymizer.Patient(request.PatientId)!;
        var issuer = pseudonymizer.Issuer(request.Issuer);

        var secureDelete = store.SecureDelete();
        var (targets, studies) = store.Claim(patient, issuer, request.IssuerOptional);
        var cancelled = targets.Count(t => t.State is InstanceStates.Pending or InstanceStates.Uploading or InstanceStates.Failed);
        ErasureLog.Claimed(logger, request.RequestId, patient, targets.Count, cancelled, studies.Count);
        TestFaults.KillAt(TestFaults.ErasureAfterClaim);

        var (files, folders) = DeleteLocalFiles(targets, studies, sweepUnindexedFiles, request.RequestId);
        TestFaults.KillAt(TestFaults.ErasureAfterLocalDelete);

        var buckets = await DeleteObjectsAsync(StoresFor(request), targets, studies, request.RequestId, cancellationToken).ConfigureAwait(false);
        TestFaults.KillAt(TestFaults.ErasureAfterObjectDelete);
        var failedBuckets = buckets.Where(b => b.Failed > 0 || b.Error is not null).ToList();
        var complete = failedBuckets.Count == 0;
        var problem = complete ? null
            : $"objects not deleted from {string.Join(", ", failedBuckets.Select(b => b.Name))}; the instance rows are kept (never uploaded again): give the same request again to finish";

        var (studiesDeleted, events) = (0, 0);
        if (complete)
            (studiesDeleted, events) = store.DeleteRows(targets, studies, manifestsDeleted: buckets.Count > 0);
        var placeholderForced = request.AllowPlaceholder && PlaceholderPatientIds.Kind(request.PatientId) is not null;
        var result = new ErasureResult(request.RequestId, patient, issuer is not null, issuer is not null && request.IssuerOptional, placeholderForced,
            request.Cloud, complete, targets.Count, studiesDeleted,
            cancelled, files, folders, events, buckets, WalTruncated: false, secureDelete, problem);
        store.RecordCompletion(request, result, writeAudit);
        TestFaults.KillAt(TestFaults.ErasureAfterRowsDelete);

        // Only a complete erasure rebuilds the file: an incomplete one keeps its claimed rows until it is given again.
        var compactionProblem = complete ? store.Compact() : "the erasure is incomplete";
        if (complete && compactionProblem is not null) ErasureLog.NotCompacted(logger, request.RequestId, compactionProblem);
        var truncated = store.TruncateWal();
        if (!truncated) ErasureLog.WalNotTruncated(logger, request.RequestId);
        result = result with { WalTruncated = truncated, Compacted = compactionProblem is null };
        if (complete)
            ErasureLog.Completed(logger, request.RequestId, patient, result.Instances, result.Studies, result.LocalFiles, result.ObjectsDeleted);
        else
            ErasureLog.Incomplete(logger, request.RequestId, problem!);
        return result;
    }

    /// <summary>
    /// What the erasure would delete, found in one read transaction and changed nowhere (<c>--dry-run</c>). Placeholder
    /// IDs are not refused here: seeing what one matches is how an operator decides whether to force it.
    /// </summary>
    public ErasurePreview Preview(ErasureRequest request)
    {
        if (string.IsNullOrEmpty(request.PatientId)) throw new ArgumentException("a patient ID is required", nameof(request));
        var patient = pseudonymizer.Patient(request.PatientId)!;
        var issuer = pseudonymizer.Issuer(request.Issuer);
        var (targets, studies) = store.Preview(patient, issuer, request.IssuerOptional);
        var byStudy = targets.ToLookup(t => t.StudyId);
        var studyPreviews = studies.Select(s => new StudyPreview(s.Pseudonym, byStudy[s.Id].Count(), byStudy[s.Id].Sum(t => t.Size),
            byStudy[s.Id].Count(t => IsUnder(layout.Absolute(t.LocalPath), layout.Studies) && File.Exists(layout.Absolute(t.LocalPath))), s.Survivors == 0)).ToList();
        var objects = ObjectKeys(targets, studies).Count;
        var buckets = StoresFor(request).Select(store => new StorePreview(store.Name, store.Location, IsOnBox(store), objects)).ToList();
        return new ErasurePreview(patient, issuer is not null, issuer is not null && request.IssuerOptional, request.Cloud, request.Refusal, studyPreviews, buckets);
    }

    /// <summary>The stores an erasure deletes from: every configured one with <c>--cloud</c>; without, those inside the data folder
    /// (the packaged default <c>{DataDir}/cloud</c>: its "uploaded" copies are full copies on the box).</summary>
    private List<IObjectStore> StoresFor(ErasureRequest request) => stores.Where(s => request.Cloud || IsOnBox(s)).ToList();

    private bool IsOnBox(IObjectStore store) => OnBoxStore.Holds(store, layout);

    /// <summary>Step 2: the instance files, then the folders of studies left empty. Returns files and folders deleted.</summary>
    private (int Files, int Folders) DeleteLocalFiles(List<Target> targets, List<StudyRow> studies, bool sweepUnindexedFiles, string requestId)
    {
        var files = 0;
        foreach (var target in targets)
        {
            var path = layout.Absolute(target.LocalPath);
            if (!IsUnder(path, layout.Studies)) continue;
            if (TryDelete(path, requestId)) files++;
        }
        var folders = 0;
        foreach (var study in studies.Where(s => s.Survivors == 0))
        {
            var folder = layout.StudyDirectory(study.StudyUid);
            if (!Directory.Exists(folder)) continue;
            var sweep = sweepUnindexedFiles && !OthersInFolder(folder);
            if (sweep)
            {
                foreach (var leftover in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToList())
                    if (TryDelete(leftover, requestId)) files++;
            }
            try
            {
                Directory.Delete(folder, recursive: sweep);
                folders++;
            }
            catch (IOException)
            {
                // not empty: an instance of the study is being stored right now (it arrives after the erasure), or
                // files that other rows name (a folder shared before folder names were made collision-free)
            }
        }
        if (files > 0 || folders > 0) DirectorySync.Sync(layout.Studies);
        return (files, folders);
    }

    private bool TryDelete(string path, string requestId)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ErasureLog.FileNotDeleted(logger, requestId, e.GetType().Name);
            return false;
        }
    }

    /// <summary>True when rows not being erased name files in the folder: such a folder is never swept.</summary>
    private bool OthersInFolder(string folder) => store.OthersInFolder(layout.Relative(folder) + Path.DirectorySeparatorChar);

    /// <summary>The objects of every erased instance (the key it was uploaded under, and the key the template gives now)
    /// and every manifest version of its studies.</summary>
    private SortedSet<string> ObjectKeys(List<Target> targets, List<StudyRow> studies)
    {
        var byStudy = studies.ToDictionary(s => s.Id);
        var objectKeys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            if (target.ObjectKey is { Length: > 0 } recorded) objectKeys.Add(recorded);
            if (byStudy.TryGetValue(target.StudyId, out var study))
                objectKeys.Add(TemplateKey(target, study));
        }
        foreach (var study in studies)
        {
            for (var version = 1; version <= study.ManifestVersions; version++)
                objectKeys.Add(keys.ManifestKey(Values(study, null, "none", 0, []), version));
        }
        return objectKeys;
    }

    private string TemplateKey(Target target, StudyRow study) =>
        keys.KeyFor(Values(study, target.SeriesUid, target.SopInstanceUid, target.Version, target.Sha256));

    /// <summary>
    /// Where the uploader puts an instance when the template's key holds other bytes (it never overwrites them): the
    /// recorded key names it when the upload was recorded, but not a copy whose upload was cut short, or the other
    /// endpoint's copy in Both mode. Deleted with the objects, not counted with them: most of these keys hold nothing.
    /// </summary>
    private List<string> ContentSuffixedKeys(List<Target> targets, List<StudyRow> studies, SortedSet<string> objectKeys)
    {
        var byStudy = studies.ToDictionary(s => s.Id);
        return targets.Where(t => byStudy.ContainsKey(t.StudyId))
            .Select(t => ObjectKeyTemplate.WithContentSuffix(TemplateKey(t, byStudy[t.StudyId]), t.Sha256))
            .Where(k => !objectKeys.Contains(k)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Step 3: the objects from each of <paramref name="targetStores"/>.</summary>
    private async Task<List<BucketErasure>> DeleteObjectsAsync(List<IObjectStore> targetStores, List<Target> targets, List<StudyRow> studies, string requestId,
        CancellationToken cancellationToken)
    {
        var objectKeys = ObjectKeys(targets, studies);
        var list = objectKeys.ToList();
        var suffixed = ContentSuffixedKeys(targets, studies, objectKeys);
        var results = new List<BucketErasure>();
        foreach (var store in targetStores)
        {
            var onBox = IsOnBox(store);
            if (list.Count == 0)
            {
                results.Add(new BucketErasure(store.Name, store.Location, 0, 0, 0, null, onBox));
                continue;
            }
            try
            {
                var outcome = await store.DeleteManyAsync([.. list, .. suffixed], cancellationToken).ConfigureAwait(false);
                var error = outcome.Errors.Count == 0 ? null : string.Join(", ", outcome.Errors.Select(e => e.Code).Distinct(StringComparer.Ordinal));
                if (error is not null) ErasureLog.ObjectsNotDeleted(logger, requestId, store.Name, outcome.Errors.Count, list.Count, error);
                results.Add(new BucketErasure(store.Name, store.Location, list.Count, outcome.Deleted.Count(objectKeys.Contains), outcome.Errors.Count, error, onBox));
            }
            catch (Exception e) when (e is ObjectStoreException or IOException or HttpRequestException or UnauthorizedAccessException)
            {
                var code = e is ObjectStoreException s ? s.Code ?? "transient error" : e.GetType().Name;
                ErasureLog.ObjectsNotDeleted(logger, requestId, store.Name, list.Count, list.Count, code);
                results.Add(new BucketErasure(store.Name, store.Location, list.Count, 0, list.Count, code, onBox));
            }
        }
        return results;
    }

    private ObjectKeyValues Values(StudyRow study, string? series, string instance, int version, byte[] sha256) =>
        new(gateway.SiteId, gateway.GatewayId, study.StudyUid, study.Pseudonym, series ?? "", instance, version, sha256);

    private static bool IsUnder(string path, string folder) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
