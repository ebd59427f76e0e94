using System.Buffers;
using System.Text;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Tests.Network.Pdus;

/// <summary>One fully populated PDU of each type, an encoder, and a structural description for comparing decoded PDUs.</summary>
internal static class PduSamples
{
    public const uint MaxPData = 16384;

    public static UserInformation FullUserInformation() => new()
    {
        MaxPduLength = 16384,
        ImplementationClassUid = "1.2.826.0.1.3680043.10.1234",
        ImplementationVersionName = "IMAGING_EDGE_1",
        AsyncOperationsWindow = new AsyncOperationsWindow(3, 1),
        RoleSelections =
        [
            new RoleSelection("1.2.840.10008.5.1.4.1.1.2", ScuRole: true, ScpRole: false),
            new RoleSelection("1.2.840.10008.5.1.4.1.1.4", ScuRole: false, ScpRole: true),
        ],
        ExtendedNegotiations = [new ExtendedNegotiation("1.2.840.10008.5.1.4.1.2.2.1", new byte[] { 1, 0, 1 })],
        CommonExtendedNegotiations =
        [
            new CommonExtendedNegotiation("1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.4.2", ["1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.33"]),
            new CommonExtendedNegotiation("1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.4.2", []),
        ],
        UserIdentityRequest = new UserIdentityRequest(2, PositiveResponseRequested: true, "tech"u8.ToArray(), "s3cret"u8.ToArray()),
        UserIdentityResponse = new UserIdentityResponse(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }),
    };

    public static AssociateRequestPdu Request() => new(
        "IMAGING_EDGE",
        "CT_SCANNER_01",
        AssociateRequestPdu.DicomApplicationContextName,
        [
            new PresentationContextProposal(1, "1.2.840.10008.1.1", ["1.2.840.10008.1.2"]),
            new PresentationContextProposal(3, "1.2.840.10008.5.1.4.1.1.2", ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.4.70"]),
        ],
        FullUserInformation());

    public static AssociateAcceptPdu Accept() => new(
        "IMAGING_EDGE",
        "CT_SCANNER_01",
        AssociateRequestPdu.DicomApplicationContextName,
        [
            new PresentationContextResult(1, PresentationContextResultReason.Acceptance, "1.2.840.10008.1.2"),
            new PresentationContextResult(3, PresentationContextResultReason.TransferSyntaxesNotSupported, ""),
            new PresentationContextResult(5, PresentationContextResultReason.AbstractSyntaxNotSupported, "1.2.840.10008.1.2"),
        ],
        FullUserInformation());

    public static PDataTfPdu PData() => new(
    [
        new PresentationDataValue(1, IsCommand: true, IsLast: true, new ReadOnlySequence<byte>(new byte[] { 0x10, 0x20, 0x30 })),
        new PresentationDataValue(3, IsCommand: false, IsLast: false, new ReadOnlySequence<byte>(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray())),
        new PresentationDataValue(3, IsCommand: false, IsLast: true, ReadOnlySequence<byte>.Empty),
    ]);

    public static Pdu ByName(string name) => name switch
    {
        "A-ASSOCIATE-RQ" => Request(),
        "A-ASSOCIATE-AC" => Accept(),
        "A-ASSOCIATE-RJ" => new AssociateRejectPdu(RejectResult.Permanent, RejectSource.ServiceUser, RejectReasons.CalledAeTitleNotRecognized),
        "P-DATA-TF" => PData(),
        "A-RELEASE-RQ" => ReleaseRequestPdu.Instance,
        "A-RELEASE-RP" => ReleaseResponsePdu.Instance,
        "A-ABORT" => new AbortPdu(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static TheoryData<string> Names => new()
    {
        "A-ASSOCIATE-RQ", "A-ASSOCIATE-AC", "A-ASSOCIATE-RJ", "P-DATA-TF", "A-RELEASE-RQ", "A-RELEASE-RP", "A-ABORT",
    };

    public static byte[] Encode(Pdu pdu)
    {
        var output = new ArrayBufferWriter<byte>();
        PduWriter.Write(output, pdu);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads exactly one PDU that fills the whole sequence.</summary>
    public static Pdu DecodeAll(ReadOnlySequence<byte> bytes)
    {
        Assert.True(PduReader.TryReadPdu(ref bytes, MaxPData, out Pdu? pdu));
        Assert.True(bytes.IsEmpty);
        return pdu;
    }

    public static Pdu DecodeAll(byte[] bytes) => DecodeAll(new ReadOnlySequence<byte>(bytes));

    /// <summary>A text rendering of every field (byte fields in hex) so structurally equal PDUs compare equal.</summary>
    public static string Describe(Pdu pdu) => pdu switch
    {
        AssociateRequestPdu rq =>
            $"RQ v{rq.ProtocolVersion} [{rq.CalledAeTitle}] [{rq.CallingAeTitle}] {rq.ApplicationContextName} " +
            $"PC[{string.Join("; ", rq.PresentationContexts.Select(p => $"{p.Id} {p.AbstractSyntax} {string.Join(",", p.TransferSyntaxes)}"))}] " +
            Describe(rq.UserInformation),
        AssociateAcceptPdu ac =>
            $"AC v{ac.ProtocolVersion} [{ac.CalledAeTitle}] [{ac.CallingAeTitle}] {ac.ApplicationContextName} " +
            $"PC[{string.Join("; ", ac.PresentationContexts.Select(p => $"{p.Id} {p.Result} [{p.TransferSyntax}]"))}] " +
            Describe(ac.UserInformation),
        PDataTfPdu data => "P-DATA " + string.Join("; ", data.Values.Select(v =>
            $"{v.PresentationContextId} cmd={v.IsCommand} last={v.IsLast} {Convert.ToHexString(v.Data.ToArray())}")),
        _ => pdu.ToString(),
    };

    public static string Describe(UserInformation ui)
    {
        var text = new StringBuilder();
        text.Append($"UI max={ui.MaxPduLength} class={ui.ImplementationClassUid} version={ui.ImplementationVersionName} ");
        text.Append($"async={ui.AsyncOperationsWindow} ");
        text.Append($"roles=[{string.Join("; ", ui.RoleSelections)}] ");
        text.Append($"ext=[{string.Join("; ", ui.ExtendedNegotiations.Select(e => $"{e.SopClassUid} {Convert.ToHexString(e.ServiceClassApplicationInformation.Span)}"))}] ");
        text.Append($"common=[{string.Join("; ", ui.CommonExtendedNegotiations.Select(c => $"{c.SopClassUid} {c.ServiceClassUid} ({string.Join(",", c.RelatedGeneralSopClassUids)})"))}] ");
        if (ui.UserIdentityRequest is { } rq)
        {
            text.Append($"idrq={rq.IdentityType} {rq.PositiveResponseRequested} {Convert.ToHexString(rq.PrimaryField.Span)} {Convert.ToHexString(rq.SecondaryField.Span)} ");
        }

        if (ui.UserIdentityResponse is { } rp)
        {
            text.Append($"idrp={Convert.ToHexString(rp.ServerResponse.Span)}");
        }

        return text.ToString();
    }
}
