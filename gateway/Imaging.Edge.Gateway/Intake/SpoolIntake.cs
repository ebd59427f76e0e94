using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Dicom.Network;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// The intake of DICOM instances: each data set streams into a spool file behind a Part 10 header built from the
/// association, and is acknowledged only once it is durable under <c>studies/</c> (see <see cref="SpoolFile"/>).
/// </summary>
internal sealed class SpoolIntake(DataLayout layout, DiskSpaceGuard diskSpace, long reserveBytes, ILogger<SpoolIntake> logger) : IStoreHandler
{
    public ValueTask<StoreStart> BeginStoreAsync(StoreRequest request, CancellationToken cancellationToken)
    {
        if (!diskSpace.HasRoomForNewData())
        {
            IntakeLog.ReserveReached(logger, request.Association.Id, SafeFreeMegabytes(), reserveBytes / (1024 * 1024));
            return ValueTask.FromResult(StoreStart.Refuse(DimseStatus.OutOfResources));
        }
        var meta = new FileMetaInformation(
            request.SopClassUid,
            request.SopInstanceUid,
            request.TransferSyntax.Uid,
            ImplementationInfo.ClassUid,
            ImplementationInfo.VersionName,
            request.Association.CallingAeTitle);
        var sink = SpoolFile.Create(layout, Part10Writer.BuildHeader(meta), request, logger);
        return ValueTask.FromResult(StoreStart.Accept(sink));
    }

    /// <summary>Spool files are never acknowledged; any left at start-up belong to a transfer that was cut off.</summary>
    public void RemoveAbandonedSpoolFiles()
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
                IntakeLog.SpoolCleanupFailed(logger, path, e);
            }
        }
        if (removed > 0) IntakeLog.SpoolCleaned(logger, removed);
    }

    private long SafeFreeMegabytes()
    {
        try
        {
            return diskSpace.FreeBytes() / (1024 * 1024);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
