namespace Imaging.Edge.Devices.Output;

/// <summary>
/// One DICOM object built from a device message: the data set (explicit VR little endian, no Part 10 header) and
/// the attributes the gateway's intake needs to spool it like a C-STORE (<c>InstanceArrival</c>).
/// </summary>
/// <param name="DataSet">Caller owns the array; it is not shared with other objects.</param>
internal sealed record DeviceDicomObject(
    string SopClassUid,
    string SopInstanceUid,
    string StudyInstanceUid,
    string SeriesInstanceUid,
    byte[] DataSet)
{
    /// <summary>Explicit VR Little Endian: every object of the device output is written in it.</summary>
    public string TransferSyntaxUid => OutputUids.ExplicitVrLittleEndian;

    /// <summary>Leaves the data set out: it holds patient data.</summary>
    public override string ToString() => $"DeviceDicomObject {{ SopClassUid = {SopClassUid}, SopInstanceUid = {SopInstanceUid} }}";
}
