using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Imaging.Edge.Dicom.Data;

namespace Imaging.Edge.Dicom.Tests.Data;

/// <summary>Hand-builds data set bytes in one encoding (PS3.5 §7), for tests.</summary>
internal sealed class DataSetBuilder(bool explicitVr, bool bigEndian)
{
    private const uint Undefined = 0xFFFF_FFFF;
    private readonly MemoryStream _out = new();

    public static DataSetBuilder For(TransferSyntax ts) => new(ts.IsExplicitVr, ts.IsBigEndian);

    public bool ExplicitVr => explicitVr;

    public byte[] ToArray() => _out.ToArray();

    /// <summary>The bytes as sent on the wire in <paramref name="ts"/>: raw-deflated when the syntax says so.</summary>
    public byte[] Encode(TransferSyntax ts)
    {
        byte[] raw = ToArray();
        if (!ts.IsDeflated) return raw;
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            deflate.Write(raw);
        return compressed.ToArray();
    }

    public DataSetBuilder Raw(ReadOnlySpan<byte> bytes)
    {
        _out.Write(bytes);
        return this;
    }

    public DataSetBuilder Uid(ushort group, ushort element, string uid) =>
        Element(group, element, "UI", Pad(Encoding.ASCII.GetBytes(uid), 0));

    public DataSetBuilder Text(ushort group, ushort element, string vr, string value, Encoding? encoding = null) =>
        Element(group, element, vr, Pad((encoding ?? Encoding.ASCII).GetBytes(value), (byte)' '));

    public DataSetBuilder Bytes(ushort group, ushort element, string vr, byte[] value) =>
        Element(group, element, vr, Pad(value, vr is "UI" ? (byte)0 : vr is "OB" or "UN" ? (byte)0 : (byte)' '));

    private static byte[] Pad(byte[] value, byte pad) => (value.Length & 1) == 0 ? value : [.. value, pad];

    public DataSetBuilder Element(ushort group, ushort element, string vr, byte[] value)
    {
        Header(group, element, vr, (uint)value.Length);
        _out.Write(value);
        return this;
    }

    /// <summary>Writes an element header; <paramref name="length"/> may be <see cref="Undefined"/> or a lie.</summary>
    public DataSetBuilder Header(ushort group, ushort element, string vr, uint length)
    {
        Tag(group, element);
        if (!explicitVr)
        {
            U32(length);
            return this;
        }

        _out.WriteByte((byte)vr[0]);
        _out.WriteByte((byte)vr[1]);
        if (vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV")
        {
            _out.WriteByte(0);
            _out.WriteByte(0);
            U32(length);
        }
        else
        {
            U16((ushort)length);
        }

        return this;
    }

    public DataSetBuilder BeginSequence(ushort group, ushort element) => Header(group, element, "SQ", Undefined);

    public DataSetBuilder EndSequence() => Delimiter(0xE0DD);

    public DataSetBuilder BeginItem() => ItemHeader(Undefined);

    public DataSetBuilder EndItem() => Delimiter(0xE00D);

    public DataSetBuilder ItemHeader(uint length)
    {
        Tag(0xFFFE, 0xE000);
        U32(length);
        return this;
    }

    private DataSetBuilder Delimiter(ushort element)
    {
        Tag(0xFFFE, element);
        U32(0);
        return this;
    }

    /// <summary>A defined-length sequence whose items are defined-length too, built in the same encoding.</summary>
    public DataSetBuilder DefinedLengthSequence(ushort group, ushort element, params Action<DataSetBuilder>[] items)
    {
        var content = new DataSetBuilder(explicitVr, bigEndian);
        foreach (Action<DataSetBuilder> item in items)
        {
            var itemContent = new DataSetBuilder(explicitVr, bigEndian);
            item(itemContent);
            byte[] bytes = itemContent.ToArray();
            content.ItemHeader((uint)bytes.Length).Raw(bytes);
        }

        byte[] sq = content.ToArray();
        return Header(group, element, "SQ", (uint)sq.Length).Raw(sq);
    }

    /// <summary>PS3.5 §6.2.2: UN with undefined length whose content is an implicit VR little endian sequence.</summary>
    public DataSetBuilder UnknownUndefinedLength(ushort group, ushort element, Action<DataSetBuilder> implicitLittleEndianItems)
    {
        Header(group, element, "UN", Undefined);
        var inner = new DataSetBuilder(explicitVr: false, bigEndian: false);
        implicitLittleEndianItems(inner);
        inner.EndSequence();
        return Raw(inner.ToArray());
    }

    /// <summary>Encapsulated Pixel Data (PS3.5 §A.4): empty offset table, then the fragments.</summary>
    public DataSetBuilder EncapsulatedPixelData(params byte[][] fragments)
    {
        Header(0x7FE0, 0x0010, "OB", Undefined);
        ItemHeader(0);
        foreach (byte[] fragment in fragments) ItemHeader((uint)fragment.Length).Raw(fragment);
        return EndSequence();
    }

    private void Tag(ushort group, ushort element)
    {
        U16(group);
        U16(element);
    }

    private void U16(ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, v);
        else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        _out.Write(b);
    }

    private void U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v);
        else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        _out.Write(b);
    }
}
