using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// The intake of DICOM instances: each data set streams into a spool file behind a Part 10 header built from the
/// association, and is acknowledged only once it is durable under <c>studies/</c> and queued (see <see cref="SpoolFile"/>).
/// </summary>
internal sealed class SpoolIntake(
    DataLayout layout,
    DiskSpaceGuard diskSpace,
    InstanceQueue queue,
    Pseudonymizer pseudonymizer,
    IReadOnlyDictionary<string, int> devicePriorities,
    ILogger<SpoolIntake> logger) : IStoreHandler
{
    private readonly IntakeCoordination _coordination = new();

    public ValueTask<StoreStart> BeginStoreAsync(StoreRequest request, CancellationToken cancellationToken)
    {
        if (!diskSpace.HasRoomFor(0, out var headroom))
        {
            IntakeLog.ReserveReached(logger, request.Association.Id, SafeFreeMegabytes(), diskSpace.ReserveBytes / (1024 * 1024));
            return ValueTask.FromResult(StoreStart.Refuse(DimseStatus.OutOfResources));
        }
        var meta = new FileMetaInformation(
            request.SopClassUid,
            request.SopInstanceUid,
            request.TransferSyntax.Uid,
            ImplementationInfo.ClassUid,
            ImplementationInfo.VersionName,
            request.Association.CallingAeTitle);
        var context = new IntakeContext(layout, diskSpace, queue, pseudonymizer, _coordination, logger);
        var sink = SpoolFile.Create(context, Part10Writer.BuildHeader(meta), request, PriorityOf(request), headroom);
        return ValueTask.FromResult(StoreStart.Accept(sink));
    }

    /// <summary>DIMSE priority HIGH, or a device configured High, goes first; the higher of the two wins.</summary>
    private int PriorityOf(StoreRequest request)
    {
        var requested = Priorities.From(request.Priority);
        return devicePriorities.TryGetValue(request.Association.CallingAeTitle, out var configured) ? Math.Max(requested, configured) : requested;
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

/// <summary>What every spool file needs from the intake.</summary>
internal sealed record IntakeContext(DataLayout Layout, DiskSpaceGuard DiskSpace, InstanceQueue Queue, Pseudonymizer Pseudonymizer, IntakeCoordination Coordination, ILogger Logger);
