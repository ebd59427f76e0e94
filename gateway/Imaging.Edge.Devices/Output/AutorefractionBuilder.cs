using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Data.Writing;
using T = Imaging.Edge.Devices.Output.OutputTags;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// The Autorefraction Measurements instance (1.2.840.10008.5.1.4.1.1.78.2, PS3.3 A.60.2): the common modules,
/// Autorefraction Measurements Series (Modality <c>AR</c>), Enhanced General Equipment, General Ophthalmic Refractive
/// Measurements (Instance Number, content date/time, Measurement Laterality) and Autorefraction Measurements
/// (C.8.25.9): per measured eye one item of the Right/Left Eye Sequence with Sphere Power and the Cylinder Sequence
/// Macro (Cylinder Power, Cylinder Axis).
/// </summary>
internal static class AutorefractionBuilder
{
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.78.2";

    /// <summary>
    /// Enhanced General Equipment makes the device serial number and software versions type 1; a device that does not
    /// send them (most refractors over RS-232 do not) gets this value rather than a non-conformant empty one.
    /// </summary>
    public const string NotSentByDevice = "UNKNOWN";

    private static readonly DicomTag DeviceSerialNumber = new(0x0018, 0x1000);
    private static readonly DicomTag SoftwareVersions = new(0x0018, 0x1020);
    private static readonly DicomTag CylinderAxis = new(0x0022, 0x0009);
    private static readonly DicomTag MeasurementLaterality = new(0x0024, 0x0113);
    private static readonly DicomTag CylinderSequence = new(0x0046, 0x0018);
    private static readonly DicomTag RightEyeSequence = new(0x0046, 0x0050);
    private static readonly DicomTag LeftEyeSequence = new(0x0046, 0x0052);
    private static readonly DicomTag SpherePower = new(0x0046, 0x0146);
    private static readonly DicomTag CylinderPower = new(0x0046, 0x0147);

    /// <param name="eyes">At most one reading per eye (the device's representative one), at least one.</param>
    public static DeviceDicomObject Build(StudyContext study, IReadOnlyList<EyeRefraction> eyes, DateTime created, UidGenerator uids)
    {
        ArgumentNullException.ThrowIfNull(eyes);
        if (eyes.Count == 0 || eyes.Select(e => e.Eye).Distinct().Count() != eyes.Count)
            throw new ArgumentException("one reading per measured eye, at least one", nameof(eyes));

        string sopInstanceUid = uids.Next();
        var series = new SeriesInfo(uids.Next(), "AR", 1, "Autorefraction");
        var ds = CommonModules.Start(SopClassUid, sopInstanceUid, study, series, created);

        ds.AddString(DeviceSerialNumber, DicomVr.LO, NotSentByDevice)
            .AddString(SoftwareVersions, DicomVr.LO, NotSentByDevice)
            .AddInteger(T.InstanceNumber, 1)
            .AddDate(T.ContentDate, DateOnly.FromDateTime(created))
            .AddTime(T.ContentTime, TimeOnly.FromDateTime(created))
            .AddCodeString(MeasurementLaterality, eyes.Count == 2 ? "B" : eyes[0].Eye == Eye.Right ? "R" : "L");

        foreach (var eye in eyes)
            ds.AddSequence(eye.Eye == Eye.Right ? RightEyeSequence : LeftEyeSequence, [EyeItem(eye)]);

        return new DeviceDicomObject(SopClassUid, sopInstanceUid, study.StudyInstanceUid, series.SeriesInstanceUid, CommonModules.Finish(ds));
    }

    private static DataSetWriter EyeItem(EyeRefraction eye)
    {
        var cylinder = new DataSetWriter()
            .AddFloat(CylinderAxis, (float)eye.Axis)
            .AddDouble(CylinderPower, eye.Cylinder);
        return new DataSetWriter()
            .AddSequence(CylinderSequence, [cylinder])
            .AddDouble(SpherePower, eye.Sphere);
    }
}
