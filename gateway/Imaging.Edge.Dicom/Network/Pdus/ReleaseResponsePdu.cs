using System.Buffers;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>A-RELEASE-RP PDU (PS3.8 §9.3.7): a header and four reserved bytes.</summary>
public sealed record ReleaseResponsePdu : Pdu
{
    public static ReleaseResponsePdu Instance { get; } = new();

    public override PduType Type => PduType.ReleaseResponse;

    // PS3.8 §9.3.7, Table 9-25: 0 PDU-type 06H | 1 reserved | 2-5 PDU-length (= 4) | 6-9 reserved.
    internal const uint BodyLength = 4;

    internal static void Write(IBufferWriter<byte> output) => PduHeader.WriteEmpty(output, PduType.ReleaseResponse, BodyLength);
}
