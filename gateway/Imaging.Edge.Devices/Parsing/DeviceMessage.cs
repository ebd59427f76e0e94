namespace Imaging.Edge.Devices.Parsing;

/// <summary>What one device message said, whatever its format: the input of the DICOM output (to come).</summary>
/// <param name="Sender">The sender's name or id as the device gives it (E1394 H.5).</param>
/// <param name="ProcessingId">E1394 H.12: P production, Q quality control, D debugging, T training.</param>
/// <param name="Dropped">Why the profile's filter dropped the whole message (null: kept).</param>
/// <param name="Problems">What could not be used, without quoting content.</param>
internal sealed record DeviceMessage(
    string? Sender,
    string? ProcessingId,
    bool Terminated,
    IReadOnlyList<DeviceResult> Results,
    string? Dropped,
    IReadOnlyList<ParseProblem> Problems);
