using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Imaging.Edge.Dicom.Data;

/// <summary>
/// A transfer syntax of PS3.5 §10 / Annex A, as registered in PS3.6 Annex A. UIDs checked against pydicom's
/// generated <c>_uid_dict.py</c> (from the 2024/2025 standard). The registry holds every current transfer syntax,
/// Explicit VR Big Endian (retired, still sent by old devices) and the retired JPEG processes (.4.52–.4.66),
/// which some old modalities still propose; <see cref="IsRetired"/> tells them apart.
/// </summary>
public sealed class TransferSyntax
{
    private TransferSyntax(string uid, string name, bool explicitVr = true, bool bigEndian = false,
        bool deflated = false, bool encapsulated = false, bool retired = false)
    {
        Uid = uid;
        Name = name;
        IsExplicitVr = explicitVr;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        IsEncapsulated = encapsulated;
        IsRetired = retired;
    }

    public string Uid { get; }
    public string Name { get; }
    public bool IsExplicitVr { get; }
    public bool IsBigEndian { get; }
    /// <summary>The data set is compressed with raw deflate (RFC 1951) after the File Meta Information.</summary>
    public bool IsDeflated { get; }
    /// <summary>Pixel Data is encapsulated (fragments in items, PS3.5 §A.4).</summary>
    public bool IsEncapsulated { get; }
    public bool IsRetired { get; }

    public override string ToString() => $"{Name} ({Uid})";

    public static TransferSyntax ImplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2", "Implicit VR Little Endian", explicitVr: false);
    public static TransferSyntax ExplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian");
    public static TransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", encapsulated: true);
    public static TransferSyntax DeflatedExplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", deflated: true);
    public static TransferSyntax ExplicitVRBigEndian { get; } = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", bigEndian: true, retired: true);
    public static TransferSyntax JpegBaseline8Bit { get; } = Enc("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)");
    public static TransferSyntax JpegExtended12Bit { get; } = Enc("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 and 4)");
    public static TransferSyntax JpegLossless { get; } = Enc("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)");
    public static TransferSyntax JpegLosslessSV1 { get; } = Enc("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])");
    public static TransferSyntax JpegLsLossless { get; } = Enc("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression");
    public static TransferSyntax JpegLsNearLossless { get; } = Enc("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression");
    public static TransferSyntax Jpeg2000Lossless { get; } = Enc("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)");
    public static TransferSyntax Jpeg2000 { get; } = Enc("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression");
    public static TransferSyntax RleLossless { get; } = Enc("1.2.840.10008.1.2.5", "RLE Lossless");

    private static TransferSyntax Enc(string uid, string name, bool retired = false) => new(uid, name, encapsulated: true, retired: retired);

    private static readonly TransferSyntax[] Registry =
    [
        ImplicitVRLittleEndian,
        ExplicitVRLittleEndian,
        EncapsulatedUncompressedExplicitVRLittleEndian,
        DeflatedExplicitVRLittleEndian,
        ExplicitVRBigEndian,
        JpegBaseline8Bit,
        JpegExtended12Bit,
        Enc("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 and 5)", retired: true),
        Enc("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 and 8)", retired: true),
        Enc("1.2.840.10008.1.2.4.54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 and 9)", retired: true),
        Enc("1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 and 12)", retired: true),
        Enc("1.2.840.10008.1.2.4.56", "JPEG Full Progression, Non-Hierarchical (Process 11 and 13)", retired: true),
        JpegLossless,
        Enc("1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15)", retired: true),
        Enc("1.2.840.10008.1.2.4.59", "JPEG Extended, Hierarchical (Process 16 and 18)", retired: true),
        Enc("1.2.840.10008.1.2.4.60", "JPEG Extended, Hierarchical (Process 17 and 19)", retired: true),
        Enc("1.2.840.10008.1.2.4.61", "JPEG Spectral Selection, Hierarchical (Process 20 and 22)", retired: true),
        Enc("1.2.840.10008.1.2.4.62", "JPEG Spectral Selection, Hierarchical (Process 21 and 23)", retired: true),
        Enc("1.2.840.10008.1.2.4.63", "JPEG Full Progression, Hierarchical (Process 24 and 26)", retired: true),
        Enc("1.2.840.10008.1.2.4.64", "JPEG Full Progression, Hierarchical (Process 25 and 27)", retired: true),
        Enc("1.2.840.10008.1.2.4.65", "JPEG Lossless, Hierarchical (Process 28)", retired: true),
        Enc("1.2.840.10008.1.2.4.66", "JPEG Lossless, Hierarchical (Process 29)", retired: true),
        JpegLosslessSV1,
        JpegLsLossless,
        JpegLsNearLossless,
        Jpeg2000Lossless,
        Jpeg2000,
        Enc("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)"),
        Enc("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression"),
        // JPIP: the pixel data is referenced by URL, not sent; .95 deflates the data set (PS3.5 §A.6, §A.7).
        new("1.2.840.10008.1.2.4.94", "JPIP Referenced"),
        new("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", deflated: true),
        Enc("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
        Enc("1.2.840.10008.1.2.4.100.1", "Fragmentable MPEG2 Main Profile / Main Level"),
        Enc("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"),
        Enc("1.2.840.10008.1.2.4.101.1", "Fragmentable MPEG2 Main Profile / High Level"),
        Enc("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
        Enc("1.2.840.10008.1.2.4.102.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1"),
        Enc("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
        Enc("1.2.840.10008.1.2.4.103.1", "Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
        Enc("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
        Enc("1.2.840.10008.1.2.4.104.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
        Enc("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
        Enc("1.2.840.10008.1.2.4.105.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
        Enc("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
        Enc("1.2.840.10008.1.2.4.106.1", "Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
        Enc("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1"),
        Enc("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
        Enc("1.2.840.10008.1.2.4.110", "JPEG XL Lossless"),
        Enc("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression"),
        Enc("1.2.840.10008.1.2.4.112", "JPEG XL"),
        Enc("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)"),
        Enc("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)"),
        Enc("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression"),
        new("1.2.840.10008.1.2.4.204", "JPIP HTJ2K Referenced"),
        new("1.2.840.10008.1.2.4.205", "JPIP HTJ2K Referenced Deflate", deflated: true),
        RleLossless,
        // SMPTE ST 2110: explicit VR little endian data set, the essence travels outside it (PS3.5 §A.10).
        new("1.2.840.10008.1.2.7.1", "SMPTE ST 2110-20 Uncompressed Progressive Active Video"),
        new("1.2.840.10008.1.2.7.2", "SMPTE ST 2110-20 Uncompressed Interlaced Active Video"),
        new("1.2.840.10008.1.2.7.3", "SMPTE ST 2110-30 PCM Digital Audio"),
        Enc("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression"),
    ];

    private static readonly FrozenDictionary<string, TransferSyntax> ByUid = Registry.ToFrozenDictionary(t => t.Uid, StringComparer.Ordinal);

    /// <summary>Every registered transfer syntax, in UID order of PS3.6.</summary>
    public static IReadOnlyCollection<TransferSyntax> All => Registry;

    /// <summary>Finds a registered transfer syntax. Trailing NUL/space padding of the UID is ignored. Does not throw.</summary>
    public static bool TryGet(string uid, [NotNullWhen(true)] out TransferSyntax? ts)
    {
        ArgumentNullException.ThrowIfNull(uid);
        return ByUid.TryGetValue(uid.TrimEnd('\0', ' '), out ts);
    }
}
