namespace Imaging.Edge.Dicom.Data.Writing;

/// <summary>The attributes of a code sequence item (PS3.3 Table 8.8-1).</summary>
public static class CodeTags
{
    public static readonly DicomTag CodeValue = new(0x0008, 0x0100);
    public static readonly DicomTag CodingSchemeDesignator = new(0x0008, 0x0102);
    public static readonly DicomTag CodeMeaning = new(0x0008, 0x0104);
    public static readonly DicomTag LongCodeValue = new(0x0008, 0x0119);
}
