namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>A presentation context proposed in an A-ASSOCIATE-RQ: an odd id, one abstract syntax, one or more transfer syntaxes.</summary>
public sealed record PresentationContextProposal(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes)
{
    private const string Context = "presentation-context item (RQ)";

    // PS3.8 §9.3.2.2, Table 9-13, offsets in the item body (after the 4-byte item header):
    //   0 presentation-context-ID | 1-3 reserved | 4- one abstract-syntax sub-item (30H, Table 9-14)
    //   and one or more transfer-syntax sub-items (40H, Table 9-15), each holding a UID.
    private const int IdOffset = 0;
    private const int SubItemsOffset = 4;

    internal static PresentationContextProposal Read(ReadOnlySpan<byte> body)
    {
        var reader = new ItemReader(body, Context);
        reader.Skip(SubItemsOffset);
        byte id = body[IdOffset];

        string? abstractSyntax = null;
        var transferSyntaxes = new List<string>();
        while (reader.TryReadItem(out byte type, out ReadOnlySpan<byte> item))
        {
            switch (type)
            {
                case ItemTypes.AbstractSyntax:
                    AssociatePduLayout.EnsureFirst(abstractSyntax, "abstract-syntax sub-item in a presentation context");
                    abstractSyntax = WireText.ReadUid(item);
                    break;
                case ItemTypes.TransferSyntax:
                    transferSyntaxes.Add(WireText.ReadUid(item));
                    break;
                default:
                    throw ItemReader.Unrecognized(type, Context);
            }
        }

        if (abstractSyntax is null)
        {
            throw ItemReader.Invalid($"presentation context {id} has no abstract-syntax sub-item");
        }

        return new PresentationContextProposal(id, abstractSyntax, transferSyntaxes);
    }

    internal static void Write(PduBuilder builder, PresentationContextProposal context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int at = builder.BeginItem(ItemTypes.PresentationContextRequest);
        builder.WriteByte(context.Id);
        builder.WriteZeros(SubItemsOffset - 1);

        int sub = builder.BeginItem(ItemTypes.AbstractSyntax);
        builder.WriteBytes(WireText.ToAscii(context.AbstractSyntax, nameof(AbstractSyntax)));
        builder.EndItem(sub, "abstract-syntax sub-item");

        foreach (string transferSyntax in context.TransferSyntaxes)
        {
            sub = builder.BeginItem(ItemTypes.TransferSyntax);
            builder.WriteBytes(WireText.ToAscii(transferSyntax, nameof(TransferSyntaxes)));
            builder.EndItem(sub, "transfer-syntax sub-item");
        }

        builder.EndItem(at, Context);
    }
}
