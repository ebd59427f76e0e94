namespace Imaging.Edge.Dicom.Data;

/// <summary>
/// Top-level attributes extracted while the data set streams in (PS3.5 §7). Strings are the decoded values with
/// padding trimmed; null when absent. An attribute present with an empty value is the empty string.
/// </summary>
public sealed record DataSetAttributes
{
    public string? SopClassUid { get; init; }
    public string? SopInstanceUid { get; init; }
    public string? StudyInstanceUid { get; init; }
    public string? SeriesInstanceUid { get; init; }
    public string? PatientId { get; init; }
    /// <summary>Issuer of Patient ID (0010,0021): the authority that assigned <see cref="PatientId"/>.</summary>
    public string? IssuerOfPatientId { get; init; }
    public string? PatientName { get; init; }
    public string? PatientBirthDate { get; init; }
    public string? AccessionNumber { get; init; }
    public string? Modality { get; init; }
    public string? StudyDate { get; init; }
    public string? StudyTime { get; init; }
    public string? SpecificCharacterSet { get; init; }

    /// <summary>
    /// Leaves the patient out: a record would otherwise print every property, and a stray log of it would put
    /// names, IDs and birth dates where they must never be.
    /// </summary>
    public override string ToString() =>
        $"DataSetAttributes {{ SopClassUid = {SopClassUid}, SopInstanceUid = {SopInstanceUid}, Modality = {Modality} }}";
}
