namespace Imaging.Edge.Dicom.Data;

/// <summary>The bytes are not a well-formed DICOM encoding (a data set, a File Meta Information group, a Part 10 file).</summary>
public sealed class DicomFormatException(string message) : Exception(message);
