namespace Imaging.Edge.Dicom.Data;

/// <summary>A DICOM attribute tag (PS3.5 §7.1): group and element number. Ordered by <see cref="Value"/>.</summary>
public readonly record struct DicomTag(ushort Group, ushort Element) : IComparable<DicomTag>
{
    /// <summary>The tag as one 32-bit number, group in the high half.</summary>
    public uint Value => ((uint)Group << 16) | Element;

    /// <summary>True for odd groups (private data elements, PS3.5 §7.8).</summary>
    public bool IsPrivate => (Group & 1) == 1;

    public static DicomTag FromValue(uint value) => new((ushort)(value >> 16), (ushort)value);

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;
    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;
    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;
    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;

    /// <summary>"(gggg,eeee)" in upper-case hexadecimal, as dcmdump prints it.</summary>
    public override string ToString() => $"({Group:X4},{Element:X4})";

    // File Meta Information (PS3.10 §7.1)
    public static readonly DicomTag FileMetaInformationGroupLength = new(0x0002, 0x0000);
    public static readonly DicomTag FileMetaInformationVersion = new(0x0002, 0x0001);
    public static readonly DicomTag MediaStorageSopClassUid = new(0x0002, 0x0002);
    public static readonly DicomTag MediaStorageSopInstanceUid = new(0x0002, 0x0003);
    public static readonly DicomTag TransferSyntaxUid = new(0x0002, 0x0010);
    public static readonly DicomTag ImplementationClassUid = new(0x0002, 0x0012);
    public static readonly DicomTag ImplementationVersionName = new(0x0002, 0x0013);
    public static readonly DicomTag SourceApplicationEntityTitle = new(0x0002, 0x0016);

    // Data set attributes the gateway extracts
    public static readonly DicomTag SpecificCharacterSet = new(0x0008, 0x0005);
    public static readonly DicomTag SopClassUid = new(0x0008, 0x0016);
    public static readonly DicomTag SopInstanceUid = new(0x0008, 0x0018);
    public static readonly DicomTag StudyDate = new(0x0008, 0x0020);
    public static readonly DicomTag StudyTime = new(0x0008, 0x0030);
    public static readonly DicomTag AccessionNumber = new(0x0008, 0x0050);
    public static readonly DicomTag Modality = new(0x0008, 0x0060);
    public static readonly DicomTag PatientName = new(0x0010, 0x0010);
    public static readonly DicomTag PatientId = new(0x0010, 0x0020);
    public static readonly DicomTag IssuerOfPatientId = new(0x0010, 0x0021);
    public static readonly DicomTag PatientBirthDate = new(0x0010, 0x0030);
    public static readonly DicomTag StudyInstanceUid = new(0x0020, 0x000D);
    public static readonly DicomTag SeriesInstanceUid = new(0x0020, 0x000E);
    public static readonly DicomTag PixelData = new(0x7FE0, 0x0010);

    // Sequence encoding (PS3.5 §7.5)
    public static readonly DicomTag Item = new(0xFFFE, 0xE000);
    public static readonly DicomTag ItemDelimitationItem = new(0xFFFE, 0xE00D);
    public static readonly DicomTag SequenceDelimitationItem = new(0xFFFE, 0xE0DD);
}
