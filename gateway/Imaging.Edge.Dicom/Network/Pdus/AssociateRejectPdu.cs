using System.Buffers;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>A-ASSOCIATE-RJ result (PS3.8 §9.3.4, Table 9-21).</summary>
public enum RejectResult : byte
{
    Permanent = 1,
    Transient = 2,
}

/// <summary>A-ASSOCIATE-RJ source (PS3.8 §9.3.4, Table 9-21).</summary>
public enum RejectSource : byte
{
    ServiceUser = 1,
    ServiceProviderAcse = 2,
    ServiceProviderPresentation = 3,
}

/// <summary>
/// A-ASSOCIATE-RJ reason/diag values (PS3.8 §9.3.4, Table 9-21); their meaning depends on the source.
/// Source 1 (service user): 1 no-reason-given, 2 application-context-name-not-supported, 3 calling-AE-title-not-recognized,
/// 7 called-AE-title-not-recognized. Source 2 (ACSE): 1 no-reason-given, 2 protocol-version-not-supported.
/// Source 3 (presentation): 1 temporary-congestion, 2 local-limit-exceeded.
/// </summary>
public static class RejectReasons
{
    public const byte NoReasonGiven = 1;
    public const byte ApplicationContextNameNotSupported = 2;
    public const byte CallingAeTitleNotRecognized = 3;
    public const byte CalledAeTitleNotRecognized = 7;
    public const byte ProtocolVersionNotSupported = 2;
    public const byte TemporaryCongestion = 1;
    public const byte LocalLimitExceeded = 2;
}

/// <summary>A-ASSOCIATE-RJ PDU (PS3.8 §9.3.4). Values outside the enums are passed through as read.</summary>
public sealed record AssociateRejectPdu(RejectResult Result, RejectSource Source, byte Reason) : Pdu
{
    public override PduType Type => PduType.AssociateReject;

    // PS3.8 §9.3.4, Table 9-21 (0-based offsets from the PDU start):
    //   0 PDU-type 03H | 1 reserved | 2-5 PDU-length (= 4) | 6 reserved | 7 result | 8 source | 9 reason/diag.
    internal const uint BodyLength = 4;
    private const int ResultOffset = 7;
    private const int SourceOffset = 8;
    private const int ReasonOffset = 9;
    private const int TotalLength = PduHeader.Length + (int)BodyLength;

    internal static AssociateRejectPdu Read(ReadOnlySpan<byte> pdu) =>
        new((RejectResult)pdu[ResultOffset], (RejectSource)pdu[SourceOffset], pdu[ReasonOffset]);

    internal static void Write(IBufferWriter<byte> output, AssociateRejectPdu pdu)
    {
        Span<byte> span = output.GetSpan(TotalLength)[..TotalLength];
        span.Clear();
        PduHeader.Write(span, PduType.AssociateReject, BodyLength);
        span[ResultOffset] = (byte)pdu.Result;
        span[SourceOffset] = (byte)pdu.Source;
        span[ReasonOffset] = pdu.Reason;
        output.Advance(TotalLength);
    }
}
