using System.Buffers.Binary;
using System.Text;
using Imaging.Edge.Dicom.Data;

namespace Imaging.Edge.Dicom.Tests.Data.Writing;

/// <summary>One element read back by <see cref="ExplicitVrTree"/>: a value, or the items of a sequence.</summary>
internal sealed record ReadElement(DicomTag Tag, string Vr, byte[] Value, IReadOnlyList<IReadOnlyList<ReadElement>>? Items)
{
    /// <summary>The value as text, padding (trailing space or NUL) removed.</summary>
    public string Text => Encoding.UTF8.GetString(Value).TrimEnd(' ', '\0');
}

/// <summary>
/// A strict reader of explicit VR little endian data sets with explicit lengths only, written for the tests
/// independently of the writer: it fails on any length that does not add up, an undefined length, a tag out of
/// ascending order, an odd value length, or a VR whose length form does not match PS3.5 Table 7.1-1.
/// Shared with the Devices tests (linked source).
/// </summary>
internal static class ExplicitVrTree
{
    private static readonly HashSet<string> LongForm = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    public static IReadOnlyList<ReadElement> Read(ReadOnlySpan<byte> data)
    {
        var elements = new List<ReadElement>();
        int offset = 0;
        while (offset < data.Length)
        {
            Require(data.Length - offset >= 8, $"element header cut at {offset}");
            var tag = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]), BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]));
            Require(elements.Count == 0 || elements[^1].Tag < tag, $"{tag} follows {(elements.Count > 0 ? elements[^1].Tag : tag)}: not ascending");
            string vr = Encoding.ASCII.GetString(data.Slice(offset + 4, 2));
            uint length;
            if (LongForm.Contains(vr))
            {
                Require(data.Length - offset >= 12, $"long header of {tag} cut");
                Require(data[offset + 6] == 0 && data[offset + 7] == 0, $"{tag}: reserved bytes not zero");
                length = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 8)..]);
                offset += 12;
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 6)..]);
                offset += 8;
            }

            Require(length != 0xFFFF_FFFF, $"{tag}: undefined length");
            Require((length & 1) == 0, $"{tag}: odd length {length}");
            Require(length <= data.Length - offset, $"{tag}: length {length} beyond the end");
            ReadOnlySpan<byte> value = data.Slice(offset, (int)length);
            offset += (int)length;
            elements.Add(vr == "SQ" ? new ReadElement(tag, vr, [], ReadItems(value, tag)) : new ReadElement(tag, vr, value.ToArray(), null));
        }

        return elements;
    }

    private static List<IReadOnlyList<ReadElement>> ReadItems(ReadOnlySpan<byte> data, DicomTag sequence)
    {
        var items = new List<IReadOnlyList<ReadElement>>();
        int offset = 0;
        while (offset < data.Length)
        {
            Require(data.Length - offset >= 8, $"{sequence}: item header cut");
            Require(BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]) == 0xFFFE && BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]) == 0xE000, $"{sequence}: not an item tag");
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]);
            Require(length != 0xFFFF_FFFF && length <= data.Length - offset - 8, $"{sequence}: bad item length {length}");
            items.Add(Read(data.Slice(offset + 8, (int)length)));
            offset += 8 + (int)length;
        }

        return items;
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
            throw new InvalidDataException(what);
    }
}
