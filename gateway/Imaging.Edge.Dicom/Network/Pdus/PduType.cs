namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>The PDU-type byte of the DICOM upper layer (PS3.8 §9.3.1, Table 9-1).</summary>
public enum PduType : byte
{
    AssociateRequest = 1,
    AssociateAccept = 2,
    AssociateReject = 3,
    PData = 4,
    ReleaseRequest = 5,
    ReleaseResponse = 6,
    Abort = 7,
}
