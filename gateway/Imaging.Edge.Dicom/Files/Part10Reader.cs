using System.Buffers.Binary;
using System.Text;
using Imaging.Edge.Dicom.Data;

namespace Imaging.Edge.Dicom.Files;

/// <summary>Reads the start of a Part 10 file (PS3.10 §7.1).</summary>
public static class Part10Reader
{
    /// <summary>
    /// Reads preamble, "DICM" and the File Meta Information group from the current position (the start of a file)
    /// without reading the data set. With a (0002,0000) group length, reading stops exactly at the data set; a
    /// seekable stream is also checked for meta elements beyond a wrong group length. Without a group length, the
    /// group ends at the first element of another group: a seekable stream is left positioned at
    /// <see cref="Part10Header.DataSetOffset"/>, a non-seekable one has consumed up to 8 bytes of the data set.
    /// Throws <see cref="DicomFormatException"/> if the stream is not a Part 10 file, the meta group is malformed, or
    /// it lacks the Transfer Syntax UID (0002,0010). An absent (0002,0002) or (0002,0003) (seen in old files) is
    /// returned as the empty string rather than refused. The caller owns the stream.
    /// </summary>
    public static Part10Header ReadHeader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long start = stream.CanSeek ? stream.Position : 0;
        Span<byte> prefix = stackalloc byte[Part10Layout.MetaOffset];
        if (ReadFully(stream, prefix) < prefix.Length || !prefix[Part10Layout.PrefixOffset..].SequenceEqual(Part10Layout.Prefix))
            throw new DicomFormatException("Not a DICOM Part 10 file: no \"DICM\" prefix after the 128-byte preamble");

        var values = new Dictionary<ushort, string>();
        long offset = Part10Layout.MetaOffset;
        long? groupEnd = null;
        Span<byte> head = stackalloc byte[12];
        while (true)
        {
            bool boundedByLength = groupEnd is { } end && offset < end;
            if (groupEnd is { } e && offset == e && !stream.CanSeek) break;

            int got = ReadFully(stream, head[..8]);
            if (got < 8)
            {
                if (got == 0 && values.Count > 0) break; // a file with an empty data set
                throw new DicomFormatException("File Meta Information truncated");
            }

            ushort group = BinaryPrimitives.ReadUInt16LittleEndian(head);
            ushort element = BinaryPrimitives.ReadUInt16LittleEndian(head[2..]);
            if (group != 0x0002)
            {
                if (boundedByLength)
                    throw new DicomFormatException($"File Meta Information group length claims {groupEnd - offset} more bytes but ({group:X4},{element:X4}) follows");
                if (stream.CanSeek) stream.Position = start + offset;
                break;
            }

            int headerLength = 8;
            uint length;
            byte vr0 = head[4], vr1 = head[5];
            bool explicitVr = vr0 is >= (byte)'A' and <= (byte)'Z' && vr1 is >= (byte)'A' and <= (byte)'Z';
            if (!explicitVr)
            {
                length = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]); // a non-conformant implicit VR meta group
            }
            else if (ValueRepresentations.HasLongLength(vr0, vr1))
            {
                if (ReadFully(stream, head[8..12]) < 4) throw new DicomFormatException("File Meta Information truncated");
                headerLength = 12;
                length = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(head[6..]);
            }

            if (length > Part10Layout.MaxMetaGroupLength)
                throw new DicomFormatException($"File Meta Information element (0002,{element:X4}) has an implausible length {length}");

            byte[] value = new byte[length];
            if (ReadFully(stream, value) < value.Length) throw new DicomFormatException("File Meta Information truncated");
            offset += headerLength + length;

            if (element == 0x0000 && length == 4 && groupEnd is null)
            {
                groupEnd = offset + BinaryPrimitives.ReadUInt32LittleEndian(value);
                continue;
            }

            if (groupEnd is { } limit && boundedByLength && offset > limit)
                throw new DicomFormatException("File Meta Information element overruns the group length");

            if (element != 0x0001)
                values[element] = Encoding.ASCII.GetString(value).Trim('\0', ' ');
        }

        string Required(ushort element, string name) =>
            values.TryGetValue(element, out string? v) && v.Length > 0
                ? v
                : throw new DicomFormatException($"File Meta Information lacks {name} (0002,{element:X4})");

        var meta = new FileMetaInformation(
            values.GetValueOrDefault((ushort)0x0002) ?? "",
            values.GetValueOrDefault((ushort)0x0003) ?? "",
            Required(0x0010, "Transfer Syntax UID"),
            values.GetValueOrDefault((ushort)0x0012) ?? "",
            values.GetValueOrDefault((ushort)0x0013) ?? "",
            values.TryGetValue(0x0016, out string? ae) && ae.Length > 0 ? ae : null);
        return new Part10Header(meta, offset);
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }

        return total;
    }
}
