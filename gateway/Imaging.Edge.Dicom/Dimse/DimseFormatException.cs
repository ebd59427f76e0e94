namespace Imaging.Edge.Dicom.Dimse;

/// <summary>A command set that cannot be parsed; the association is aborted.</summary>
public sealed class DimseFormatException(string message) : Exception(message);
