using System.Buffers;
using System.Net;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;

namespace Imaging.Edge.Dicom.Network;

/// <summary>Receives the instances of C-STORE requests. Implemented by the gateway's intake.</summary>
public interface IStoreHandler
{
    /// <summary>
    /// Called when a C-STORE request's command arrives, before its data set. Returns a sink for the data set, or a
    /// refusal status (for example 0xA700 when the disk reserve is reached) — the data set is then read and discarded.
    /// </summary>
    ValueTask<StoreStart> BeginStoreAsync(StoreRequest request, CancellationToken cancellationToken);
}

/// <summary>Either a sink to stream the data set into, or the status to refuse with.</summary>
public readonly record struct StoreStart(IInstanceSink? Sink, ushort RefusalStatus)
{
    public static StoreStart Accept(IInstanceSink sink) => new(sink, DimseStatus.Success);
    public static StoreStart Refuse(ushort status) => new(null, status);
}

/// <summary>One C-STORE request as the intake sees it.</summary>
public sealed record StoreRequest(
    AssociationInfo Association,
    ushort MessageId,
    string SopClassUid,
    string SopInstanceUid,
    TransferSyntax TransferSyntax,
    DimsePriority Priority,
    string? MoveOriginatorAeTitle);

/// <summary>Who is on the other end of an association.</summary>
public sealed record AssociationInfo(long Id, string CallingAeTitle, string CalledAeTitle, IPEndPoint RemoteEndPoint);

/// <summary>
/// Destination of one data set. The association calls <see cref="WriteAsync"/> with the data set bytes in order,
/// then exactly one of <see cref="CompleteAsync"/> or <see cref="AbandonAsync"/>.
/// </summary>
public interface IInstanceSink
{
    /// <summary>
    /// Appends data set bytes exactly as received. May throw <see cref="IOException"/> (for example a full disk), or
    /// <see cref="StoreRefusedException"/> to refuse the instance with a status of its own.
    /// </summary>
    ValueTask WriteAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// All bytes are written and the data set was read: make the instance durable and return the status to answer.
    /// Success is returned only once the instance survives a power loss.
    /// </summary>
    ValueTask<ushort> CompleteAsync(DataSetAttributes attributes, CancellationToken cancellationToken);

    /// <summary>Discards what was written; nothing is left that looks received. Does not throw.</summary>
    ValueTask AbandonAsync();
}
