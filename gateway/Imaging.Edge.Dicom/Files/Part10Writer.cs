using System.Buffers.Binary;
using System.Text;

namespace Imaging.Edge.Dicom.Files;

/// <summary>Builds the start of a Part 10 file (PS3.10 §7): preamble, "DICM" and the File Meta Information group.</summary>
public static class Part10Writer
{
    /// <summary>
    /// Returns preamble (128 zero bytes) + "DICM" + group 0002 in explicit VR little endian with a correct
    /// (0002,0000) group length. The data set bytes follow as received, in the transfer syntax named in
    /// <paramref name="meta"/>. UIDs are padded to even length with NUL, other strings with a space.
    /// Throws <see cref="ArgumentException"/> when a value is too long for its VR or a UID is empty.
    /// </summary>
    public static byte[] BuildHeader(FileMetaInformation meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var group = new List<byte>(256);
        AddElement(group, 0x0001, "OB", [0x00, 0x01]);
        AddElement(group, 0x0002, "UI", Uid(meta.MediaStorageSopClassUid, nameof(meta.MediaStorageSopClassUid)));
        AddElement(group, 0x0003, "UI", Uid(meta.MediaStorageSopInstanceUid, nameof(meta.MediaStorageSopInstanceUid)));
        AddElement(group, 0x0010, "UI", Uid(meta.TransferSyntaxUid, nameof(meta.TransferSyntaxUid)));
        AddElement(group, 0x0012, "UI", Uid(meta.ImplementationClassUid, nameof(meta.ImplementationClassUid)));
        if (!string.IsNullOrEmpty(meta.ImplementationVersionName))
            AddElement(group, 0x0013, "SH", Text(meta.ImplementationVersionName, Part10Layout.MaxShortStringLength, nameof(meta.ImplementationVersionName)));
        if (!string.IsNullOrEmpty(meta.SourceApplicationEntityTitle))
            AddElement(group, 0x0016, "AE", Text(meta.SourceApplicationEntityTitle, Part10Layout.MaxAeTitleLength, nameof(meta.SourceApplicationEntityTitle)));

        byte[] header = new byte[Part10Layout.MetaOffset + 12 + group.Count];
        "DICM"u8.CopyTo(header.AsSpan(Part10Layout.PrefixOffset));
        Span<byte> groupLength = header.AsSpan(Part10Layout.MetaOffset, 12);
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength[2..], 0x0000);
        "UL"u8.CopyTo(groupLength[4..]);
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength[8..], (uint)group.Count);
        group.CopyTo(header, Part10Layout.MetaOffset + 12);
        return header;
    }

    private static byte[] Uid(string uid, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid, name);
        if (uid.Length > Part10Layout.MaxUidLength || !uid.All(c => c is '.' or (>= '0' and <= '9')))
            throw new ArgumentException($"{name} is not a valid UID (digits and dots, at most 64 characters)", name);
        byte[] bytes = Encoding.ASCII.GetBytes(uid);
        return (bytes.Length & 1) == 0 ? bytes : [.. bytes, 0x00];
    }

    private static byte[] Text(string value, int maxLength, string name)
    {
        if (value.Length > maxLength || value.Any(c => c is < ' ' or > '~' or '\\'))
            throw new ArgumentException($"{name} must be at most {maxLength} printable ASCII characters", name);
        byte[] bytes = Encoding.ASCII.GetBytes(value);
        return (bytes.Length & 1) == 0 ? bytes : [.. bytes, (byte)' '];
    }

    private static void AddElement(List<byte> group, ushort element, string vr, byte[] value)
    {
        Span<byte> head = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(head, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(head[2..], element);
        head[4] = (byte)vr[0];
        head[5] = (byte)vr[1];
        if (vr == "OB")
        {
            head[6] = head[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)value.Length);
            group.AddRange(head);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(head[6..], (ushort)value.Length);
            group.AddRange(head[..8]);
        }

        group.AddRange(value);
    }
}
