namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>Result/reason of a presentation context in an A-ASSOCIATE-AC (PS3.8 §9.3.3.2, Table 9-18).</summary>
public enum PresentationContextResultReason : byte
{
    Acceptance = 0,
    UserRejection = 1,
    NoReason = 2,
    AbstractSyntaxNotSupported = 3,
    TransferSyntaxesNotSupported = 4,
}

/// <summary>
/// The answer to one proposed presentation context. <see cref="TransferSyntax"/> may be "" when the context is not accepted;
/// the transfer-syntax sub-item is written anyway (PS3.8 §9.3.3.2: "not significant" then). A missing sub-item reads as "".
/// Result values outside the enum are passed through as read.
/// </summary>
public sealed record PresentationContextResult(byte Id, PresentationContextResultReason Result, string TransferSyntax)
{
    private const string Context = "presentation-context item (AC)";

    // PS3.8 §9.3.3.2, Table 9-18, offsets in the item body (after the 4-byte item header):
    //   0 presentation-context-ID | 1 reserved | 2 result/reason | 3 reserved | 4- one transfer-syntax sub-item (40H, Table 9-19).
    private const int IdOffset = 0;
    private const int ResultOffset = 2;
    private const int SubItemsOffset = 4;

    internal static PresentationContextResult Read(ReadOnlySpan<byte> body)
    {
        var reader = new ItemReader(body, Context);
        reader.Skip(SubItemsOffset);
        byte id = body[IdOffset];
        var result = (PresentationContextResultReason)body[ResultOffset];

        string? transferSyntax = null;
        while (reader.TryReadItem(out byte type, out ReadOnlySpan<byte> item))
        {
            if (type != ItemTypes.TransferSyntax)
            {
                throw ItemReader.Unrecognized(type, Context);
            }

            AssociatePduLayout.EnsureFirst(transferSyntax, "transfer-syntax sub-item in an accepted presentation context");
            transferSyntax = WireText.ReadUid(item);
        }

        return new PresentationContextResult(id, result, transferSyntax ?? "");
    }

    internal static void Write(PduBuilder builder, PresentationContextResult context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int at = builder.BeginItem(ItemTypes.PresentationContextAccept);
        Span<byte> fixedFields = builder.Append(SubItemsOffset);
        fixedFields[IdOffset] = context.Id;
        fixedFields[ResultOffset] = (byte)context.Result;

        int sub = builder.BeginItem(ItemTypes.TransferSyntax);
        builder.WriteBytes(WireText.ToAscii(context.TransferSyntax ?? "", nameof(TransferSyntax)));
        builder.EndItem(sub, "transfer-syntax sub-item");

        builder.EndItem(at, Context);
    }
}
