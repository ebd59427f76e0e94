namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// A-ASSOCIATE-AC PDU (PS3.8 §9.3.3). Fixed fields in <see cref="AssociatePduLayout"/> (the AE titles are echoed from the RQ);
/// variable items: one application-context item (10H), presentation-context items (21H), one user-information item (50H).
/// </summary>
public sealed record AssociateAcceptPdu(
    string CalledAeTitle,
    string CallingAeTitle,
    string ApplicationContextName,
    IReadOnlyList<PresentationContextResult> PresentationContexts,
    UserInformation UserInformation) : Pdu
{
    private const string Context = "A-ASSOCIATE-AC";

    public override PduType Type => PduType.AssociateAccept;

    /// <summary>The protocol-version field as read (bit 0 always set); written as 1.</summary>
    public ushort ProtocolVersion { get; init; } = AssociatePduLayout.ProtocolVersion1;

    internal static AssociateAcceptPdu Read(ReadOnlySpan<byte> pdu)
    {
        (ushort version, string called, string calling) = AssociatePduLayout.ReadFixedFields(pdu, Context);

        var (applicationContext, contexts, userInformation) =
            AssociatePduLayout.ReadVariableItems(pdu, Context, ItemTypes.PresentationContextAccept, PresentationContextResult.Read);
        return new AssociateAcceptPdu(called, calling, applicationContext, contexts, userInformation)
        {
            ProtocolVersion = version,
        };
    }

    internal static void Write(PduBuilder builder, AssociateAcceptPdu pdu)
    {
        AssociatePduLayout.WriteFixedFields(builder, PduType.AssociateAccept, pdu.CalledAeTitle, pdu.CallingAeTitle);
        AssociatePduLayout.WriteApplicationContext(builder, pdu.ApplicationContextName);
        foreach (PresentationContextResult context in pdu.PresentationContexts)
        {
            PresentationContextResult.Write(builder, context);
        }

        UserInformationItem.Write(builder, pdu.UserInformation);
        builder.EndPdu();
    }
}
