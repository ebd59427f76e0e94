namespace Imaging.Edge.Dicom.Files;

/// <summary>The File Meta Information of a Part 10 file and the byte offset where its data set starts.</summary>
public sealed record Part10Header(FileMetaInformation Meta, long DataSetOffset);
