using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// The intake: each arriving instance (<see cref="InstanceArrival"/>, from a DICOM association or a device) streams into
/// a spool file behind a Part 10 header built from what is known of it, and is acknowledged only once it is durable
/// under <c>studies/</c> and queued (see <see cref="SpoolFile"/>).
/// </summary>
internal sealed class SpoolIntake(
    DataLayout layout,
    DiskSpaceGuard diskSpace,
    IntakeStore queue,
    Pseudonymizer pseudonymizer,
    IReadOnlyDictionary<string, int> devicePriorities,
    ILogger<SpoolIntake> logger) : IStoreHandler
{
    private readonly IntakeCoordination _coordination = new();

    /// <summary>The DICOM receiver's door: a C-STORE becomes an <see cref="InstanceArrival"/>.</summary>
    public ValueTask<StoreStart> BeginStoreAsync(StoreRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Begin(new InstanceArrival(request.SopClassUid, request.SopInstanceUid, request.TransferSyntax.Uid,
            request.Association.CallingAeTitle, request.Association.RemoteEndPoint.Address.ToString(), PriorityOf(request),
            request.Association.Id, request.MessageId)));

    /// <summary>
    /// The one entry point of every source: a sink for the instance's data set (written as received behind a Part 10
    /// header built here), whose <see cref="IInstanceSink.CompleteAsync"/> answers Success only once the instance is
    /// durable and queued; or a refusal (0xA700 below the disk reserve) when nothing may be written.
    /// </summary>
    public StoreStart Begin(InstanceArrival arrival)
    {
        if (!diskSpace.HasRoomFor(0, out var headroom))
        {
            IntakeLog.ReserveReached(logger, arrival.ConnectionId, SafeFreeMegabytes(), diskSpace.ReserveBytes / (1024 * 1024));
            return StoreStart.Refuse(DimseStatus.OutOfResources);
        }
        var meta = new FileMetaInformation(
            arrival.SopClassUid,
            arrival.SopInstanceUid,
            arrival.TransferSyntaxUid,
            ImplementationInfo.ClassUid,
            ImplementationInfo.VersionName,
            arrival.Source);
        var context = new IntakeContext(layout, diskSpace, queue, pseudonymizer, _coordination, logger);
        return StoreStart.Accept(SpoolFile.Create(context, Part10Writer.BuildHeader(meta), arrival, headroom));
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
internal sealed record IntakeContext(DataLayout Layout, DiskSpaceGuard DiskSpace, IntakeStore Queue, Pseudonymizer Pseudonymizer, IntakeCoordination Coordination, ILogger Logger);
