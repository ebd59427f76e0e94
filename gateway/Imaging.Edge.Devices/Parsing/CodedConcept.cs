namespace Imaging.Edge.Devices.Parsing;

/// <summary>A code from a coding scheme (<c>LN</c> LOINC, <c>UCUM</c>, <c>DCM</c>), as a DICOM code sequence item needs it.</summary>
internal sealed record CodedConcept(string Scheme, string Code, string Meaning);
