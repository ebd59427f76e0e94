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

        string? applicationContext = null;
        UserInformation? userInformation = null;
        var contexts = new List<PresentationContextResult>();
        var reader = new ItemReader(pdu[AssociatePduLayout.VariableItemsOffset..], Context);
        while (reader.TryReadItem(out byte type, out ReadOnlySpan<byte> item))
        {
            switch (type)
            {
                case ItemTypes.ApplicationContext:
                    AssociatePduLayout.EnsureFirst(applicationContext, "application-context item");
                    applicationContext = WireText.ReadUid(item);
                    break;
                case ItemTypes.PresentationContextAccept:
                    contexts.Add(PresentationContextResult.Read(item));
                    break;
                case ItemTypes.UserInformation:
                    AssociatePduLayout.EnsureFirst(userInformation, "user-information item");
                    userInformation = UserInformationItem.Read(item);
                    break;
                default:
                    throw ItemReader.Unrecognized(type, Context);
            }
        }

        if (applicationContext is null)
        {
            throw ItemReader.Invalid("A-ASSOCIATE-AC has no application-context item");
        }

        return new AssociateAcceptPdu(called, calling, applicationContext, contexts, userInformation ?? new UserInformation())
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
