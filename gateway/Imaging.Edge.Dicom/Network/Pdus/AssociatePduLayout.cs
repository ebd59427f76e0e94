using System.Buffers.Binary;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// The fixed fields shared by A-ASSOCIATE-RQ (PS3.8 §9.3.2, Table 9-11) and A-ASSOCIATE-AC (§9.3.3, Table 9-17).
/// The standard numbers bytes from 1; offsets here are 0-based from the start of the PDU:
///   0 PDU-type | 1 reserved | 2-5 PDU-length | 6-7 protocol-version (bit 0 = version 1) | 8-9 reserved |
///   10-25 called-AE-title | 26-41 calling-AE-title | 42-73 reserved | 74- variable items.
/// In the AC the AE titles and the reserved bytes 42-73 are "reserved, sent as received, not tested".
/// </summary>
internal static class AssociatePduLayout
{
    public const int ProtocolVersionOffset = 6;
    public const int CalledAeTitleOffset = 10;
    public const int CallingAeTitleOffset = 26;
    public const int ReservedOffset = 42;
    public const int VariableItemsOffset = 74;

    /// <summary>Smallest PDU-length: the fixed fields after the header, without any item.</summary>
    public const uint MinimumBodyLength = VariableItemsOffset - PduHeader.Length;

    /// <summary>Protocol version 1 is bit 0 (PS3.8 §9.3.2).</summary>
    public const ushort ProtocolVersion1 = 0x0001;

    public static (ushort Version, string Called, string Calling) ReadFixedFields(
        ReadOnlySpan<byte> pdu, string pduName, AssociateRejectPdu? unsupportedVersionReject = null)
    {
        ushort version = BinaryPrimitives.ReadUInt16BigEndian(pdu[ProtocolVersionOffset..]);
        if ((version & ProtocolVersion1) == 0)
        {
            throw new PduFormatException(AbortReason.InvalidPduParameterValue, $"{pduName} protocol version 0x{version:X4} does not include version 1")
            {
                SuggestedReject = unsupportedVersionReject,
            };
        }

        string called = WireText.ReadAeTitle(pdu.Slice(CalledAeTitleOffset, WireText.AeTitleLength));
        string calling = WireText.ReadAeTitle(pdu.Slice(CallingAeTitleOffset, WireText.AeTitleLength));
        return (version, called, calling);
    }

    /// <summary>Writes the header and fixed fields; the PDU-length is filled in by <see cref="PduBuilder.EndPdu"/>.</summary>
    public static void WriteFixedFields(PduBuilder builder, PduType type, string calledAeTitle, string callingAeTitle)
    {
        Span<byte> span = builder.Append(VariableItemsOffset);
        PduHeader.Write(span, type, 0);
        span[ProtocolVersionOffset + 1] = (byte)ProtocolVersion1;
        WireText.WriteAeTitle(span.Slice(CalledAeTitleOffset, WireText.AeTitleLength), calledAeTitle, "CalledAeTitle");
        WireText.WriteAeTitle(span.Slice(CallingAeTitleOffset, WireText.AeTitleLength), callingAeTitle, "CallingAeTitle");
    }

    // PS3.8 §9.3.2.1, Table 9-12: application-context item 10H, its value is the application-context-name (a UID).
    public static void WriteApplicationContext(PduBuilder builder, string applicationContextName)
    {
        int at = builder.BeginItem(ItemTypes.ApplicationContext);
        builder.WriteBytes(WireText.ToAscii(applicationContextName, "ApplicationContextName"));
        builder.EndItem(at, "application-context item");
    }

    /// <summary>Parses one presentation-context item (20H in the RQ, 21H in the AC).</summary>
    public delegate T PresentationContextParser<out T>(ReadOnlySpan<byte> item);

    /// <summary>
    /// The variable items of an RQ or AC (PS3.8 §9.3.2.1-3, §9.3.3.1-3): exactly one application-context item, the
    /// presentation-context items of <paramref name="contextItemType"/>, at most one user-information item. Any other
    /// item type is a protocol violation for this PDU.
    /// </summary>
    public static (string ApplicationContext, List<T> Contexts, UserInformation UserInformation) ReadVariableItems<T>(
        ReadOnlySpan<byte> pdu, string pduName, byte contextItemType, PresentationContextParser<T> readContext)
    {
        string? applicationContext = null;
        UserInformation? userInformation = null;
        var contexts = new List<T>();
        var reader = new ItemReader(pdu[VariableItemsOffset..], pduName);
        while (reader.TryReadItem(out byte type, out ReadOnlySpan<byte> item))
        {
            if (type == ItemTypes.ApplicationContext)
            {
                EnsureFirst(applicationContext, "application-context item");
                applicationContext = WireText.ReadUid(item);
            }
            else if (type == contextItemType)
            {
                contexts.Add(readContext(item));
            }
            else if (type == ItemTypes.UserInformation)
            {
                EnsureFirst(userInformation, "user-information item");
                userInformation = UserInformationItem.Read(item);
            }
            else
            {
                throw ItemReader.Unrecognized(type, pduName);
            }
        }

        if (applicationContext is null)
        {
            throw ItemReader.Invalid($"{pduName} has no application-context item");
        }

        return (applicationContext, contexts, userInformation ?? new UserInformation());
    }

    public static void EnsureFirst(object? existing, string what)
    {
        if (existing is not null)
        {
            throw ItemReader.Unexpected($"more than one {what}");
        }
    }
}
