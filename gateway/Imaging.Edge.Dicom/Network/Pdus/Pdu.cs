namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// A DICOM upper-layer protocol data unit (PS3.8 §9.3). Read with <see cref="PduReader"/>, written with <see cref="PduWriter"/>.
/// </summary>
public abstract record Pdu
{
    public abstract PduType Type { get; }
}
