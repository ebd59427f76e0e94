using System.Security.Cryptography;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// Puts the data folder and the queue back in agreement at start-up, before the receiver accepts anything:
/// spool files (never acknowledged) are removed; leases of the previous run are released; a file in the study
/// folders without a row (a crash between rename and commit) is indexed again; a row whose file is gone is
/// marked failed with a clear reason and reported.
/// </summary>
internal sealed class QueueRecovery(DataLayout layout, InstanceQueue queue, Pseudonymizer pseudonymizer, ILogger<QueueRecovery> logger)
{
    /// <summary>What recovery found and did.</summary>
    public sealed record Report(int SpoolFilesRemoved, int LeasesReleased, int FilesIndexed, int FilesQuarantined, int RowsWithoutFile);

    public Report Run()
    {
        var spool = RemoveSpoolFiles();
        var leases = queue.ReleaseAllLeases();
        var missing = MarkRowsWithoutFile();
        var (indexed, quarantined) = IndexOrphanFiles();
        var report = new Report(spool, leases, indexed, quarantined, missing);
        QueueLog.Recovered(logger, spool, leases, indexed, quarantined, missing);
        return report;
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

    private int MarkRowsWithoutFile()
    {
        var missing = 0;
        foreach (var (id, localPath) in queue.RowsExpectingFiles())
        {
            if (File.Exists(layout.Absolute(localPath))) continue;
            queue.MarkFailed(id, InstanceStates.FileMissing);
            QueueLog.FileMissing(logger, id);
            missing++;
        }
        return missing;
    }

    private (int Indexed, int Quarantined) IndexOrphanFiles()
    {
        var known = queue.KnownPaths();
        int indexed = 0, quarantined = 0;
        foreach (var path in Directory.EnumerateFiles(layout.Studies, "*.dcm", SearchOption.AllDirectories))
        {
            if (known.Contains(layout.Relative(path))) continue;
            try
            {
                Index(path);
                indexed++;
            }
            catch (Exception e) when (e is DicomFormatException or EndOfStreamException or IOException)
            {
                Quarantine(path);
                QueueLog.Quarantined(logger, e.Message);
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

        var copies = queue.CopiesOf(meta.MediaStorageSopInstanceUid);
        var version = copies.Count == 0 ? 0 : copies.Max(c => c.Version) + 1;
        var studyUid = attributes.StudyInstanceUid ?? "";
        queue.Enqueue(new NewInstance(
            meta.MediaStorageSopInstanceUid, version, studyUid, pseudonymizer.Study(studyUid), pseudonymizer.Patient(attributes.PatientId),
            attributes.SeriesInstanceUid, meta.MediaStorageSopClassUid, meta.TransferSyntaxUid, position, sha256.GetHashAndReset(), dataSetSha256.GetHashAndReset(),
            layout.Relative(path), meta.SourceApplicationEntityTitle ?? "recovered", null, Priorities.Medium));
    }

    /// <summary>A file that cannot be read is moved aside, never deleted: a person decides.</summary>
    private void Quarantine(string path)
    {
        if (!Directory.Exists(layout.Quarantine))
        {
            Directory.CreateDirectory(layout.Quarantine);
            DurableFileSystem.SyncDirectory(layout.Root);
        }
        var destination = Path.Combine(layout.Quarantine, Guid.NewGuid().ToString("N") + ".dcm");
        File.Move(path, destination);
        DurableFileSystem.SyncDirectory(layout.Quarantine);
    }
}
