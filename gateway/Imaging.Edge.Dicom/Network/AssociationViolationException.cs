using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Network;

/// <summary>A well-formed PDU that breaks the association's rules; the association is aborted with <see cref="AbortSource"/> and <see cref="Reason"/>.</summary>
public sealed class AssociationViolationException(AbortReason reason, string message, AbortSource abortSource = AbortSource.ServiceProvider) : Exception(message)
{
    public AbortReason Reason { get; } = reason;

    public AbortSource AbortSource { get; } = abortSource;
}
