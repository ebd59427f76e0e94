namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// Thrown by <see cref="IInstanceSink.WriteAsync"/> to refuse an instance while its data set is still arriving (for
/// example 0xA700 when the disk reserve would be crossed). The association then abandons the sink, reads the rest of
/// the data set without keeping it and answers <see cref="Status"/>.
/// </summary>
public sealed class StoreRefusedException(ushort status, string reason) : Exception(reason)
{
    public ushort Status { get; } = status;
}
