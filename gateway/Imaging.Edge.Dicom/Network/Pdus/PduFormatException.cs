namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// Thrown by <see cref="PduReader"/> for a malformed or oversized PDU; carries the A-ABORT reason to send (PS3.8 §9.3.8, Table 9-26).
/// </summary>
public sealed class PduFormatException(AbortReason reason, string message) : Exception(message)
{
    /// <summary>The reason to put in the A-ABORT sent to the peer (source: service provider).</summary>
    public AbortReason Reason { get; } = reason;

    /// <summary>
    /// When not null, the standard prefers answering with this A-ASSOCIATE-RJ instead of an A-ABORT
    /// (e.g. an A-ASSOCIATE-RQ whose protocol version is not supported, PS3.8 §9.3.4 / §9.3.2).
    /// </summary>
    public AssociateRejectPdu? SuggestedReject { get; init; }
}
