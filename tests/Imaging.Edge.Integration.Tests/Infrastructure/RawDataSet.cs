using System.Buffers.Binary;
using System.Text;
using Imaging.Edge.Dicom.Files;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>Hand-built data sets in explicit VR little endian (PS3.5 §7.1.2), and Part 10 files around them.</summary>
internal static class RawDataSet
{
    private static readonly HashSet<string> LongVrs = ["OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UC", "UN", "UR", "UT"];

    /// <summary>One element: tag, VR, length (2 or 4 bytes by VR), value padded to even length.</summary>
    public static byte[] Element(ushort group, ushort element, string vr, ReadOnlySpan<byte> value, byte pad = 0)
    {
        var padded = value.Length + (value.Length & 1);
        var isLong = LongVrs.Contains(vr);
        var header = isLong ? 12 : 8;
        var bytes = new byte[header + padded];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        bytes[4] = (byte)vr[0];
        bytes[5] = (byte)vr[1];
        if (isLong) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)padded);
        else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), checked((ushort)padded));
        value.CopyTo(bytes.AsSpan(header));
        if (padded != value.Length) bytes[^1] = pad;
        return bytes;
    }

    public static byte[] Uid(ushort group, ushort element, string uid) => Element(group, element, "UI", Encoding.ASCII.GetBytes(uid));

    public static byte[] Text(ushort group, ushort element, string vr, string text) => Element(group, element, vr, Encoding.ASCII.GetBytes(text), (byte)' ');

    /// <summary>A minimal image-like data set: SOP class and instance, modality, patient id, study and series, optional pixel data (OB).</summary>
    public static byte[] Instance(string sopClassUid, string sopInstanceUid, string? studyUid = null, int pixelBytes = 0)
    {
        var parts = new List<byte[]>
        {
            Uid(0x0008, 0x0016, sopClassUid),
            Uid(0x0008, 0x0018, sopInstanceUid),
            Text(0x0008, 0x0060, "CS", "CT"),
            Text(0x0010, 0x0020, "LO", "HOSTILE-TEST"),
            Uid(0x0020, 0x000D, studyUid ?? NewUid()),
            Uid(0x0020, 0x000E, NewUid()),
        };
        if (pixelBytes > 0) parts.Add(Element(0x7FE0, 0x0010, "OB", new byte[pixelBytes]));
        return [.. parts.SelectMany(p => p)];
    }

    /// <summary>A fresh UID under the 2.25 root (PS3.5 Annex B.2).</summary>
    public static string NewUid() => "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true);

    /// <summary>Writes a Part 10 file in explicit VR little endian around <paramref name="dataSet"/>.</summary>
    public static string WritePart10(string path, string sopClassUid, string sopInstanceUid, ReadOnlySpan<byte> dataSet)
    {
        var header = Part10Writer.BuildHeader(new FileMetaInformation(sopClassUid, sopInstanceUid, RawDicomConnection.ExplicitVrLittleEndian,
            "1.2.826.0.1.3680043.10.1234.99", "RAWSCU", "RAWSCU"));
        using var file = File.Create(path);
        file.Write(header);
        file.Write(dataSet);
        return path;
    }
}
