using System.Security.Cryptography;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Gateway.Recovery;

/// <summary>
/// Puts the data folder and the queue back in agreement at start-up, before the receiver accepts anything:
/// spool files (never acknowledged) are removed; the files of small instances acknowledged with their bytes in the
/// queue and not written yet are written (<see cref="FileMaterializer"/>), so that every row after it has its file; leases of the previous run are released; a file in the study
/// folders without a row (a crash between rename and commit) is indexed again; a row whose file is gone is
/// marked failed with a clear reason and reported.
/// </summary>
internal sealed class QueueRecovery(DataLayout layout, UploadLeases uploadLeases, QueueQueries queries, IntakeStore intake, Pseudonymizer pseudonymizer, ILogger<QueueRecovery> logger,
    PendingFiles? pendingFiles = null)
{
    /// <summary>What recovery found and did.</summary>
    /// <param name="EvictionsFinished">Files of rows already evicted by retention that were still there (a crash between the
    /// commit and the deletion); they are deleted now.</param>
    /// <param name="PendingFilesWritten">Files of acknowledged small instances written from their bytes in the queue.</param>
    public sealed record Report(int SpoolFilesRemoved, int LeasesReleased, int FilesIndexed, int FilesQuarantined, int RowsWithoutFile, int EvictionsFinished = 0,
        int PendingFilesWritten = 0);

    public Report Run()
    {
        var spool = RemoveSpoolFiles();
        var written = pendingFiles is null ? 0 : new FileMaterializer(layout, pendingFiles, NullLogger<FileMaterializer>.Instance).MaterializeAll();
        var leases = uploadLeases.ReleaseAllLeases();
        // One walk of the study folders and one pass over the rows answer both questions (no row for a file, no file
        // for a row): with 100,000 instances waiting, a stat per row would be most of the start-up time.
        var onDisk = FilesOnDisk();
        var rows = queries.PathsAndStates();
        var missing = MarkRowsWithoutFile(rows, onDisk);
        var evictions = FinishEvictions(rows, onDisk);
        var known = rows.Select(r => r.LocalPath).ToHashSet(StringComparer.Ordinal);
        var (indexed, quarantined) = IndexOrphanFiles(onDisk.Where(path => !known.Contains(path)));
        var report = new Report(spool, leases, indexed, quarantined, missing, evictions, written);
        if (written > 0) QueueLog.PendingFilesWritten(logger, written);
        QueueLog.Recovered(logger, spool, leases, indexed, quarantined, missing);
        if (evictions > 0) RetentionLog.EvictionsFinished(logger, evictions);
        return report;
    }

    /// <summary>Every instance file under studies/, as paths relative to the data folder (as the queue stores them).</summary>
    private HashSet<string> FilesOnDisk()
    {
        var prefixLength = layout.Root.Length + 1;
        return Directory.EnumerateFiles(layout.Studies, "*.dcm", SearchOption.AllDirectories)
            .Select(path => path[prefixLength..])
            .ToHashSet(StringComparer.Ordinal);
    }

    private int RemoveSpoolFiles()
    {
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(layout.Spool, "*" + DataLayout.SpoolExtension))
        {
            try
            {
                File.Delete(path);
                removed++;
            }
            catch (IOException e)
            {
                QueueLog.SpoolCleanupFailed(logger, e);
            }
        }
        return removed;
    }

    private int MarkRowsWithoutFile(IReadOnlyList<InstancePathState> rows, HashSet<string> onDisk)
    {
        var missing = 0;
        foreach (var row in rows)
        {
            // Uploaded rows may have had their local copy removed; evicted rows have none by design (retention deleted it
            // after the cloud copy was verified); erasing rows are the erasure's; rows already reported stay reported.
            if (row.State is InstanceStates.Uploaded or InstanceStates.Evicted or InstanceStates.Erasing || row.LastError == InstanceStates.FileMissing || onDisk.Contains(row.LocalPath)) continue;
            uploadLeases.MarkFailed(row.Id, InstanceStates.FileMissing);
            QueueLog.FileMissing(logger, row.Id);
            missing++;
        }
        return missing;
    }

    /// <summary>
    /// Retention commits a row as evicted before it deletes the file: a file still there for an evicted row is a deletion
    /// the crash interrupted, finished now (the cloud copy was verified before the row was committed).
    /// </summary>
    private int FinishEvictions(IReadOnlyList<InstancePathState> rows, HashSet<string> onDisk)
    {
        var leftovers = rows.Where(r => r.State == InstanceStates.Evicted && onDisk.Contains(r.LocalPath)).Select(r => r.LocalPath).ToList();
        if (leftovers.Count == 0) return 0;
        var deleted = LocalCopies.Delete(layout, leftovers, out var failures);
        if (failures > 0) RetentionLog.DeleteFailed(logger, failures);
        return deleted;
    }

    private (int Indexed, int Quarantined) IndexOrphanFiles(IEnumerable<string> orphans)
    {
        int indexed = 0, quarantined = 0;
        foreach (var relative in orphans)
        {
            var path = layout.Absolute(relative);
            try
            {
                Index(path);
                indexed++;
            }
            catch (Exception e) when (e is DicomFormatException or EndOfStreamException or IOException)
            {
                Quarantine(path);
                QueueLog.Quarantined(logger, e, Privacy.Outbound.ErrorText(e)); // the text names the file: journal only
                quarantined++;
            }
        }
        return (indexed, quarantined);
    }

    /// <summary>Reads the file through (hash, header, data set walk) and queues it as if it had just arrived.</summary>
    private void Index(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var header = Part10Reader.ReadHeader(stream);
        var meta = header.Meta;
        if (!TransferSyntax.TryGet(meta.TransferSyntaxUid, out var syntax))
            throw new DicomFormatException("unknown transfer syntax in the meta group");
        var scanner = new DataSetScanner(syntax);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var dataSetSha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        stream.Position = 0;
        var buffer = new byte[256 * 1024];
        long position = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            var dataStart = (int)Math.Clamp(header.DataSetOffset - position, 0, read);
            scanner.Feed(buffer.AsSpan(dataStart, read - dataStart));
            dataSetSha256.AppendData(buffer, dataStart, read - dataStart);
            position += read;
        }
        var attributes = scanner.Finish();
        if (attributes.SopInstanceUid != meta.MediaStorageSopInstanceUid)
            throw new DicomFormatException("the data set's SOP Instance UID is not the meta group's");

        var copies = intake.CopiesOf(meta.MediaStorageSopInstanceUid);
        var version = copies.Count == 0 ? 0 : copies.Max(c => c.Version) + 1;
        var studyUid = attributes.StudyInstanceUid ?? "";
        intake.Enqueue(new NewInstance(
            meta.MediaStorageSopInstanceUid, version, studyUid, pseudonymizer.Study(studyUid), pseudonymizer.Patient(attributes.PatientId),
            pseudonymizer.Issuer(attributes.IssuerOfPatientId), attributes.SeriesInstanceUid, meta.MediaStorageSopClassUid, meta.TransferSyntaxUid, position, sha256.GetHashAndReset(), dataSetSha256.GetHashAndReset(),
            layout.Relative(path), meta.SourceApplicationEntityTitle ?? "recovered", null, Priorities.Medium));
    }

    /// <summary>A file that cannot be read is moved aside, never deleted: a person decides.</summary>
    private void Quarantine(string path)
    {
        if (!Directory.Exists(layout.Quarantine))
        {
            Directory.CreateDirectory(layout.Quarantine);
            DirectorySync.Sync(layout.Root);
        }
        var destination = Path.Combine(layout.Quarantine, Guid.NewGuid().ToString("N") + ".dcm");
        File.Move(path, destination);
        DirectorySync.Sync(layout.Quarantine);
    }
}
