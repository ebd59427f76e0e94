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

        string? applicationContext = null;
        UserInformation? userInformation = null;
        var contexts = new List<PresentationContextProposal>();
        var reader = new ItemReader(pdu[AssociatePduLayout.VariableItemsOffset..], Context);
        while (reader.TryReadItem(out byte type, out ReadOnlySpan<byte> item))
        {
            switch (type)
            {
                case ItemTypes.ApplicationContext:
                    AssociatePduLayout.EnsureFirst(applicationContext, "application-context item");
                    applicationContext = WireText.ReadUid(item);
                    break;
                case ItemTypes.PresentationContextRequest:
                    contexts.Add(PresentationContextProposal.Read(item));
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
            throw ItemReader.Invalid("A-ASSOCIATE-RQ has no application-context item");
        }

        return new AssociateRequestPdu(called, calling, applicationContext, contexts, userInformation ?? new UserInformation())
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
