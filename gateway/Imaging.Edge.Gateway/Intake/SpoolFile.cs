using System.Buffers;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// One instance on its way to disk. The one rule's order: write the spool file → fsync it → rename it into the
/// study folder → fsync that folder; only then does <see cref="CompleteAsync"/> return Success.
/// </summary>
internal sealed class SpoolFile : IInstanceSink
{
    private readonly DataLayout _layout;
    private readonly StoreRequest _request;
    private readonly ILogger _logger;
    private readonly string _spoolPath;
    private FileStream? _stream;

    private SpoolFile(DataLayout layout, StoreRequest request, ILogger logger, string spoolPath, FileStream stream)
    {
        _layout = layout;
        _request = request;
        _logger = logger;
        _spoolPath = spoolPath;
        _stream = stream;
    }

    /// <summary>Creates the spool file and writes the Part 10 header into it.</summary>
    public static SpoolFile Create(DataLayout layout, byte[] part10Header, StoreRequest request, ILogger logger)
    {
        var path = layout.NewSpoolPath();
        // Unbuffered: each PDV is already a large contiguous write, and a per-instance buffer would only be copied through.
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            stream.Write(part10Header);
        }
        catch
        {
            stream.Dispose();
            File.Delete(path);
            throw;
        }
        return new SpoolFile(layout, request, logger, path, stream);
    }

    public ValueTask WriteAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        // Synchronous, buffered writes: a PDV is at most one PDU, and the page cache absorbs it in microseconds.
        var stream = _stream ?? throw new ObjectDisposedException(nameof(SpoolFile));
        foreach (var segment in data)
            stream.Write(segment.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask<ushort> CompleteAsync(DataSetAttributes attributes, CancellationToken cancellationToken)
    {
        var stream = _stream ?? throw new ObjectDisposedException(nameof(SpoolFile));
        stream.Flush(flushToDisk: true);
        var length = stream.Length;
        stream.Dispose();
        _stream = null;

        var studyDir = _layout.StudyDirectory(attributes.StudyInstanceUid);
        if (!Directory.Exists(studyDir))
        {
            Directory.CreateDirectory(studyDir);
            DurableFileSystem.SyncDirectory(_layout.Studies);
        }
        var version = MoveWithoutOverwriting(studyDir, _request.SopInstanceUid);
        DurableFileSystem.SyncDirectory(studyDir);
        if (version > 0) IntakeLog.KeptAsNewVersion(_logger, _request.Association.Id, version);
        IntakeLog.Stored(_logger, _request.Association.Id, _request.MessageId, length);
        return ValueTask.FromResult(DimseStatus.Success);
    }

    /// <summary>Never replaces a file already received: a second copy of the same instance gets the next version number.</summary>
    private int MoveWithoutOverwriting(string studyDir, string sopInstanceUid)
    {
        for (var version = 0; ; version++)
        {
            var destination = Path.Combine(studyDir, DataLayout.InstanceFileName(sopInstanceUid, version));
            if (File.Exists(destination)) continue;
            try
            {
                File.Move(_spoolPath, destination, overwrite: false);
                return version;
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
