namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// A-ASSOCIATE-RQ PDU (PS3.8 §9.3.2). Fixed fields in <see cref="AssociatePduLayout"/>; variable items:
/// one application-context item (10H), one or more presentation-context items (20H), one user-information item (50H).
/// Written with protocol version 1; on read any version with bit 0 set is accepted.
/// </summary>
public sealed record AssociateRequestPdu(
    string CalledAeTitle,
    string CallingAeTitle,
    string ApplicationContextName,
    IReadOnlyList<PresentationContextProposal> PresentationContexts,
    UserInformation UserInformation) : Pdu
{
    /// <summary>The DICOM application context name (PS3.7 Annex A.2.1).</summary>
    public const string DicomApplicationContextName = "1.2.840.10008.3.1.1.1";

    private const string Context = "A-ASSOCIATE-RQ";

    private static readonly AssociateRejectPdu UnsupportedVersionReject =
        new(RejectResult.Permanent, RejectSource.ServiceProviderAcse, RejectReasons.ProtocolVersionNotSupported);

    public override PduType Type => PduType.AssociateRequest;

    /// <summary>The protocol-version field as read (bit 0 always set); written as 1.</summary>
    public ushort ProtocolVersion { get; init; } = AssociatePduLayout.ProtocolVersion1;

    internal static AssociateRequestPdu Read(ReadOnlySpan<byte> pdu)
    {
        // PS3.8 §9.3.4: the answer to an unsupported protocol version is an A-ASSOCIATE-RJ (ACSE, protocol-version-not-supported).
        (ushort version, string called, string calling) = AssociatePduLayout.ReadFixedFields(pdu, Context, UnsupportedVersionReject);

        var (applicationContext, contexts, userInformation) =
            AssociatePduLayout.ReadVariableItems(pdu, Context, ItemTypes.PresentationContextRequest, PresentationContextProposal.Read);
        return new AssociateRequestPdu(called, calling, applicationContext, contexts, userInformation)
        {
            ProtocolVersion = version,
        };
    }

    internal static void Write(PduBuilder builder, AssociateRequestPdu pdu)
    {
        AssociatePduLayout.WriteFixedFields(builder, PduType.AssociateRequest, pdu.CalledAeTitle, pdu.CallingAeTitle);
        AssociatePduLayout.WriteApplicationContext(builder, pdu.ApplicationContextName);
        foreach (PresentationContextProposal context in pdu.PresentationContexts)
        {
            PresentationContextProposal.Write(builder, context);
        }

        UserInformationItem.Write(builder, pdu.UserInformation);
        builder.EndPdu();
    }
}
