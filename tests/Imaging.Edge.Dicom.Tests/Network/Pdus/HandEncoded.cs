using System.Text;

namespace Imaging.Edge.Dicom.Tests.Network.Pdus;

/// <summary>
/// PDUs written out byte by byte from the layouts of PS3.8 §9.3 and PS3.7 Annex D.3.3, lengths as literals,
/// so that the reader and the writer are checked against the standard and not only against each other.
/// </summary>
internal static class HandEncoded
{
    /// <summary>
    /// An A-ASSOCIATE-RQ as a Verification SCU (dcmtk echoscu-like) would send it, laid out per PS3.8 Table 9-11.
    /// Offsets of interest (0-based): 74 application-context item, 99 presentation-context item,
    /// 107 its abstract-syntax sub-item, 172 user-information item, 176 max-length, 184 implementation-class-UID,
    /// 215 role-selection, 240 implementation-version-name sub-item.
    /// </summary>
    public static byte[] AssociateRequest() => Concat(
        // PDU-type 01H, reserved, PDU-length 253 (0xFD)
        [0x01, 0x00, 0x00, 0x00, 0x00, 0xFD],
        // protocol-version 0001H, reserved 2 bytes
        [0x00, 0x01, 0x00, 0x00],
        // called-AE-title and calling-AE-title, 16 bytes each, space padded
        Ascii("ECHOSCP         "),
        Ascii("ECHOSCU         "),
        // reserved, 32 bytes
        new byte[32],
        // application-context item 10H, length 21: "1.2.840.10008.3.1.1.1"
        [0x10, 0x00, 0x00, 0x15], Ascii("1.2.840.10008.3.1.1.1"),
        // presentation-context item 20H, length 69; id 1, 3 reserved bytes
        [0x20, 0x00, 0x00, 0x45, 0x01, 0x00, 0x00, 0x00],
        //   abstract-syntax sub-item 30H, length 17: Verification SOP class
        [0x30, 0x00, 0x00, 0x11], Ascii("1.2.840.10008.1.1"),
        //   transfer-syntax sub-item 40H, length 17: implicit VR little endian
        [0x40, 0x00, 0x00, 0x11], Ascii("1.2.840.10008.1.2"),
        //   transfer-syntax sub-item 40H, length 19: explicit VR little endian
        [0x40, 0x00, 0x00, 0x13], Ascii("1.2.840.10008.1.2.1"),
        // user-information item 50H, length 83
        [0x50, 0x00, 0x00, 0x53],
        //   maximum-length sub-item 51H, length 4: 16384
        [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00],
        //   implementation-class-UID sub-item 52H, length 27
        [0x52, 0x00, 0x00, 0x1B], Ascii("1.2.276.0.7230010.3.0.3.6.7"),
        //   SCP/SCU role selection sub-item 54H, length 21: UID-length 17, UID, SCU-role 1, SCP-role 0
        [0x54, 0x00, 0x00, 0x15, 0x00, 0x11], Ascii("1.2.840.10008.1.1"), [0x01, 0x00],
        //   implementation-version-name sub-item 55H, length 15
        [0x55, 0x00, 0x00, 0x0F], Ascii("OFFIS_DCMTK_367"));

    public const int ProtocolVersionOffset = 6;
    public const int ApplicationContextItemOffset = 74;
    public const int AbstractSyntaxSubItemOffset = 107;
    public const int RoleSelectionSubItemOffset = 215;

    /// <summary>
    /// An A-ASSOCIATE-AC per PS3.8 Table 9-17 with UIDs padded by a trailing NUL (as some peers send them),
    /// AE titles with leading spaces, and an unknown user-information sub-item 5FH that must be skipped.
    /// </summary>
    public static byte[] AssociateAcceptWithPaddingAndUnknownSubItem() => Concat(
        // PDU-type 02H, reserved, PDU-length 144 (0x90)
        [0x02, 0x00, 0x00, 0x00, 0x00, 0x90],
        // protocol-version 0001H, reserved
        [0x00, 0x01, 0x00, 0x00],
        Ascii("  ECHOSCP       "),
        Ascii("ECHOSCU         "),
        new byte[32],
        // application-context item, length 22: the 21-character UID and a NUL pad
        [0x10, 0x00, 0x00, 0x16], Ascii("1.2.840.10008.3.1.1.1"), [0x00],
        // presentation-context item 21H, length 28: id 1, reserved, result 0 (acceptance), reserved
        [0x21, 0x00, 0x00, 0x1C, 0x01, 0x00, 0x00, 0x00],
        //   transfer-syntax sub-item 40H, length 20: 19-character UID and a NUL pad
        [0x40, 0x00, 0x00, 0x14], Ascii("1.2.840.10008.1.2.1"), [0x00],
        // user-information item 50H, length 14
        [0x50, 0x00, 0x00, 0x0E],
        //   maximum-length sub-item, length 4: 32768
        [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x80, 0x00],
        //   unknown sub-item 5FH, length 2
        [0x5F, 0x00, 0x00, 0x02, 0xAB, 0xCD]);

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
