using System.Buffers;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>A-RELEASE-RQ PDU (PS3.8 §9.3.6): a header and four reserved bytes.</summary>
public sealed record ReleaseRequestPdu : Pdu
{
    public static ReleaseRequestPdu Instance { get; } = new();

    public override PduType Type => PduType.ReleaseRequest;

    // PS3.8 §9.3.6, Table 9-24: 0 PDU-type 05H | 1 reserved | 2-5 PDU-length (= 4) | 6-9 reserved.
    internal const uint BodyLength = 4;

    internal static void Write(IBufferWriter<byte> output) => PduHeader.WriteEmpty(output, PduType.ReleaseRequest, BodyLength);
}
