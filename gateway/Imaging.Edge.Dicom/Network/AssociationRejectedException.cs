using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Network;

/// <summary>The peer answered our A-ASSOCIATE-RQ with an A-ASSOCIATE-RJ.</summary>
public sealed class AssociationRejectedException(AssociateRejectPdu reject)
    : Exception($"association rejected: result {reject.Result}, source {reject.Source}, reason {reject.Reason}")
{
    public AssociateRejectPdu Reject { get; } = reject;
}

/// <summary>The peer aborted the association, or broke the protocol so that we had to.</summary>
public sealed class AssociationAbortedException(string message) : Exception(message);
