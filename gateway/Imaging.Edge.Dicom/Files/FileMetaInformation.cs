namespace Imaging.Edge.Dicom.Files;

/// <summary>
/// The File Meta Information of a Part 10 file (PS3.10 §7.1). Strings are unpadded. When read from a file,
/// an absent (0002,0012) or (0002,0013) is the empty string and an absent (0002,0016) is null.
/// </summary>
public sealed record FileMetaInformation(
    string MediaStorageSopClassUid,
    string MediaStorageSopInstanceUid,
    string TransferSyntaxUid,
    string ImplementationClassUid,
    string ImplementationVersionName,
    string? SourceApplicationEntityTitle);
