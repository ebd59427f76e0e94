namespace Imaging.Edge.Dicom.Data.Writing;

/// <summary>
/// One item of a code sequence (PS3.3 §8.8, Table 8.8-1): Code Value (0008,0100), Coding Scheme Designator
/// (0008,0102), Code Meaning (0008,0104). A value longer than 16 characters is written as Long Code Value (0008,0119).
/// </summary>
public sealed record DicomCode(string Value, string Scheme, string Meaning);
