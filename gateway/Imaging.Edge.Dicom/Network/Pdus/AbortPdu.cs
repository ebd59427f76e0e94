using System.Buffers;
using System.Buffers.Binary;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>A-ABORT source (PS3.8 §9.3.8, Table 9-26). Value 1 is reserved.</summary>
public enum AbortSource : byte
{
    ServiceUser = 0,
    ServiceProvider = 2,
}

/// <summary>A-ABORT reason/diag, meaningful when the source is the service provider (PS3.8 §9.3.8, Table 9-26).</summary>
public enum AbortReason : byte
{
    NotSpecified = 0,
    UnrecognizedPdu = 1,
    UnexpectedPdu = 2,
    UnrecognizedPduParameter = 4,
    UnexpectedPduParameter = 5,
    InvalidPduParameterValue = 6,
}

/// <summary>
/// A-ABORT PDU (PS3.8 §9.3.8). Values outside the enums are passed through as read (the association is ending anyway).
/// </summary>
public sealed record AbortPdu(AbortSource Source, AbortReason Reason) : Pdu
{
    public override PduType Type => PduType.Abort;

    // PS3.8 §9.3.8, Table 9-26 (byte numbers there are 1-based; offsets here are 0-based from the PDU start):
    //   0 PDU-type 07H | 1 reserved | 2-5 PDU-length (= 4) | 6 reserved | 7 reserved | 8 source | 9 reason/diag.
    internal const uint BodyLength = 4;
    private const int SourceOffset = 8;
    private const int ReasonOffset = 9;
    private const int TotalLength = PduHeader.Length + (int)BodyLength;

    internal static AbortPdu Read(ReadOnlySpan<byte> pdu) => new((AbortSource)pdu[SourceOffset], (AbortReason)pdu[ReasonOffset]);

    internal static void Write(IBufferWriter<byte> output, AbortPdu pdu)
    {
        Span<byte> span = output.GetSpan(TotalLength)[..TotalLength];
        span.Clear();
        PduHeader.Write(span, PduType.Abort, BodyLength);
        span[SourceOffset] = (byte)pdu.Source;
        span[ReasonOffset] = (byte)pdu.Reason;
        output.Advance(TotalLength);
    }
}
