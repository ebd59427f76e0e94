using System.Buffers;
using System.Security.Cryptography;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// One instance on its way to disk. Up to <see cref="InMemoryLimit"/> the Part 10 bytes stay in memory and are committed
/// with the queue row in one FULL transaction (one sync makes bytes and row durable; <see cref="FileMaterializer"/>
/// writes the file afterwards). A larger one spills to a spool file, and the one rule's order is: write the spool file
/// (hashing it as it goes) → fsync it → rename it into the study folder → fsync that folder → insert its queue row and
/// commit. Only then does <see cref="CompleteAsync"/> return Success. A re-send with identical bytes is acknowledged
/// without a second copy.
/// While the data set arrives, free space is read again every <see cref="ReserveCheckBytes"/> written (more often
/// near the reserve), and the instance is refused with 0xA700 before the reserve would be crossed: one data set
/// that never ends cannot fill the disk. Instances smaller than that cost no extra system call.
/// </summary>
internal sealed class SpoolFile : IInstanceSink
{
    private readonly IntakeContext _intake;
    private readonly InstanceArrival _arrival;
    private string? _spoolPath;
    private MemoryStream? _memory;
    private bool _closed;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    // The data set alone: what decides whether a re-send is identical (the meta group names the sending device).
    private readonly IncrementalHash _dataSetSha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private FileStream? _stream;

    /// <summary>Part 10 bytes kept in memory before spilling to a spool file (memory stays below this × associations).</summary>
    internal const int InMemoryLimit = 256 * 1024;

    /// <summary>Data set bytes written between two readings of the free space, far from the reserve.</summary>
    internal const long ReserveCheckBytes = 8 * 1024 * 1024;

    private long _written;
    private long _nextReserveCheck;

    private SpoolFile(IntakeContext intake, InstanceArrival arrival, long headroom)
    {
        _intake = intake;
        _arrival = arrival;
        _memory = new MemoryStream();
        _nextReserveCheck = NextCheckDistance(headroom, 0);
    }

    /// <summary>Starts the instance with its Part 10 header (in memory until it outgrows <see cref="InMemoryLimit"/>).</summary>
    /// <param name="headroom">Bytes that could be written before the reserve, as read when the C-STORE began.</param>
    public static SpoolFile Create(IntakeContext intake, byte[] part10Header, InstanceArrival arrival, long headroom)
    {
        var file = new SpoolFile(intake, arrival, headroom);
        try
        {
            file.Append(part10Header);
        }
        catch
        {
            file.AbandonAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        return file;
    }

    public ValueTask WriteAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        if (_written + data.Length > _nextReserveCheck)
            CheckReserve(data.Length);
        // Synchronous writes: a PDV is at most one PDU, and the page cache absorbs it in microseconds.
        foreach (var segment in data)
        {
            Append(segment.Span);
            _dataSetSha256.AppendData(segment.Span);
        }
        _written += data.Length;
        return ValueTask.CompletedTask;
    }

    /// <summary>Refuses the instance (0xA700) when <paramref name="incoming"/> more bytes would go below the reserve.</summary>
    private void CheckReserve(long incoming)
    {
        var guard = _intake.DiskSpace;
        if (!guard.HasRoomFor(incoming, out var headroom))
        {
            IntakeLog.ReserveReachedWhileReceiving(_intake.Logger, _arrival.ConnectionId, _arrival.MessageId, _written,
                Math.Max(0, headroom + guard.ReserveBytes) / (1024 * 1024), guard.ReserveBytes / (1024 * 1024));
            throw new StoreRefusedException(DimseStatus.OutOfResources, "the disk reserve would be crossed");
        }
        _nextReserveCheck = _written + NextCheckDistance(headroom, incoming);
    }

    /// <summary>
    /// Far from the reserve, every <see cref="ReserveCheckBytes"/>; nearer, after half the headroom, so that one
    /// writer never crosses it (concurrent ones share what the reserve is there for).
    /// </summary>
    private static long NextCheckDistance(long headroom, long incoming) => Math.Max(incoming, Math.Min(ReserveCheckBytes, headroom / 2));

    private void Append(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_memory is { } memory && memory.Length + bytes.Length > InMemoryLimit) Spill(memory);
        if (_memory is { } small) small.Write(bytes);
        else _stream!.Write(bytes);
        _sha256.AppendData(bytes);
    }

    /// <summary>The data set outgrew memory: what arrived so far goes to a new spool file, and the rest follows it.</summary>
    private void Spill(MemoryStream memory)
    {
        _spoolPath = _intake.Layout.NewSpoolPath();
        // Unbuffered: each PDV is already a large contiguous write, and a per-instance buffer would only be copied through.
        _stream = new FileStream(_spoolPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        _stream.Write(memory.GetBuffer().AsSpan(0, (int)memory.Length));
        _memory = null;
    }

    public async ValueTask<ushort> CompleteAsync(DataSetAttributes attributes, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var sha256 = _sha256.GetHashAndReset();
        var dataSetSha256 = _dataSetSha256.GetHashAndReset();
        var size = _memory?.Length ?? _stream!.Length;
        var studyUid = attributes.StudyInstanceUid is { Length: > 0 } uid ? uid : "";
        var pseudonym = _intake.Pseudonymizer.Study(studyUid);
        var source = _arrival.Source;

        // From the duplicate check to the commit, no other association completes this SOP Instance UID.
        using var instanceLock = await _intake.Coordination.LockInstanceAsync(_arrival.SopInstanceUid, cancellationToken).ConfigureAwait(false);
        var copies = _intake.Queue.CopiesOf(_arrival.SopInstanceUid);
        if (copies.Any(IsIdenticalAndKept(dataSetSha256)))
        {
            await AbandonAsync().ConfigureAwait(false);
            _intake.Queue.RecordIdenticalDuplicate(pseudonym, source);
            IntakeLog.IdenticalDuplicate(_intake.Logger, _arrival.ConnectionId, _arrival.MessageId);
            return DimseStatus.Success;
        }

        var layout = _intake.Layout;
        var studyDir = layout.StudyDirectory(attributes.StudyInstanceUid);
        var firstFreeVersion = copies.Count == 0 ? 0 : copies.Max(c => c.Version) + 1;
        NewInstance Row(string finalPath, int version) => new(
            _arrival.SopInstanceUid, version, studyUid, pseudonym, _intake.Pseudonymizer.Patient(attributes.PatientId),
            _intake.Pseudonymizer.Issuer(attributes.IssuerOfPatientId),
            attributes.SeriesInstanceUid, _arrival.SopClassUid, _arrival.TransferSyntaxUid, size, sha256, dataSetSha256,
            layout.Relative(finalPath), source, _arrival.SourceHost, _arrival.Priority);

        if (_memory is { } memory)
        {
            // Small: bytes and row in one FULL commit. The version is the first whose name no row and no file holds
            // (rows of every earlier copy are in `copies`; a file without a row is indexed by recovery at start-up).
            _memory = null;
            _closed = true;
            var free = firstFreeVersion;
            while (File.Exists(Path.Combine(studyDir, DataLayout.InstanceFileName(_arrival.SopInstanceUid, free)))) free++;
            _intake.Queue.Enqueue(Row(Path.Combine(studyDir, DataLayout.InstanceFileName(_arrival.SopInstanceUid, free)), free), memory.ToArray());
            TestFaults.KillAt(TestFaults.SmallAfterCommit);
            Stored(free, size);
            return DimseStatus.Success;
        }

        var stream = _stream!;
        TestFaults.KillAt(TestFaults.IntakeAfterWrite);
        stream.Flush(flushToDisk: true);
        TestFaults.KillAt(TestFaults.IntakeAfterFlush);
        stream.Dispose();
        _stream = null;
        _closed = true;

        _intake.Coordination.EnsureDurableFolder(studyDir, layout.Studies);
        var (finalPath, version) = MoveWithoutOverwriting(studyDir, _arrival.SopInstanceUid, firstFreeVersion);
        TestFaults.KillAt(TestFaults.IntakeAfterRename);
        try
        {
            DirectorySync.Sync(studyDir);
            TestFaults.KillAt(TestFaults.IntakeAfterFolderFlush);
            _intake.Queue.Enqueue(Row(finalPath, version));
        }
        catch
        {
            // Not acknowledged, so not kept: the device will send it again.
            File.Delete(finalPath);
            throw;
        }
        TestFaults.KillAt(TestFaults.IntakeAfterCommit);
        Stored(version, size);
        return DimseStatus.Success;
    }

    private void Stored(int version, long size)
    {
        if (version > 0) IntakeLog.KeptAsNewVersion(_intake.Logger, _arrival.ConnectionId, version);
        IntakeLog.Stored(_intake.Logger, _arrival.ConnectionId, _arrival.MessageId, size);
    }

    /// <summary>An earlier copy with the same data set bytes that is still on disk or already safe in the cloud (uploaded,
    /// or evicted by retention after its upload was verified). A copy being erased is not kept: the re-send arrives
    /// after the erasure and is stored anew.</summary>
    private Func<StoredCopy, bool> IsIdenticalAndKept(byte[] dataSetSha256) => copy =>
        copy.State != InstanceStates.Erasing
        && copy.DataSetSha256.AsSpan().SequenceEqual(dataSetSha256)
        && (copy.State is InstanceStates.Uploaded or InstanceStates.Evicted || copy.FilePending || File.Exists(_intake.Layout.Absolute(copy.LocalPath)));

    /// <summary>Never replaces a file already received: a copy with other bytes gets the next version number.</summary>
    private (string Path, int Version) MoveWithoutOverwriting(string studyDir, string sopInstanceUid, int firstVersion)
    {
        var folderAttempts = 0;
        for (var version = firstVersion; ; version++)
        {
            var destination = Path.Combine(studyDir, DataLayout.InstanceFileName(sopInstanceUid, version));
            if (File.Exists(destination)) continue;
            try
            {
                File.Move(_spoolPath!, destination, overwrite: false);
                return (destination, version);
            }
            catch (DirectoryNotFoundException) when (File.Exists(_spoolPath!) && folderAttempts++ < 3)
            {
                // Retention removed the study folder once it was empty, between our check and the move: make it again.
                _intake.Coordination.EnsureDurableFolder(studyDir, _intake.Layout.Studies, gone: true);
                version--;
            }
            catch (IOException) when (File.Exists(destination))
            {
                // another association won the race for this name; try the next version
            }
        }
    }

    public ValueTask AbandonAsync()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
            // a full disk can fail the final flush; the file is deleted anyway
        }
        _stream = null;
        _memory = null;
        _closed = true;
        _sha256.Dispose();
        _dataSetSha256.Dispose();
        if (_spoolPath is null) return ValueTask.CompletedTask;
        try
        {
            File.Delete(_spoolPath);
        }
        catch (IOException)
        {
            // left for the start-up cleanup
        }
        return ValueTask.CompletedTask;
    }
}
