using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Data.Writing;
using T = Imaging.Edge.Devices.Output.OutputTags;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// What the ophthalmic refractive measurement IODs (PS3.3 A.60) share: the common modules, their own series (Modality
/// <c>LEN</c>, <c>AR</c> …), Enhanced General Equipment (C.7.5.2), General Ophthalmic Refractive Measurements
/// (C.8.25.x: Instance Number, content date/time, Measurement Laterality), and per eye the Sphere Power with the
/// Cylinder Sequence Macro (C.8.25.6.1: only when a cylinder was measured).
/// </summary>
internal static class RefractiveMeasurements
{
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
    private static readonly DicomTag SpherePower = new(0x0046, 0x0146);
    private static readonly DicomTag CylinderPower = new(0x0046, 0x0147);

    /// <summary>Checks the readings: at least one, at most one per eye.</summary>
    public static void Check(IReadOnlyList<EyeRefraction> eyes)
    {
        ArgumentNullException.ThrowIfNull(eyes);
        if (eyes.Count == 0 || eyes.Select(e => e.Eye).Distinct().Count() != eyes.Count)
            throw new ArgumentException("one reading per measured eye, at least one", nameof(eyes));
    }

    public static DataSetWriter Start(string sopClassUid, string sopInstanceUid, SeriesInfo series, StudyContext study, IReadOnlyList<EyeRefraction> eyes, DateTime created)
    {
        var ds = CommonModules.Start(sopClassUid, sopInstanceUid, study, series, created);
        return ds.AddString(DeviceSerialNumber, DicomVr.LO, NotSentByDevice)
            .AddString(SoftwareVersions, DicomVr.LO, NotSentByDevice)
            .AddInteger(T.InstanceNumber, 1)
            .AddDate(T.ContentDate, DateOnly.FromDateTime(created))
            .AddTime(T.ContentTime, TimeOnly.FromDateTime(created))
            .AddCodeString(MeasurementLaterality, eyes.Count == 2 ? "B" : eyes[0].Eye == Eye.Right ? "R" : "L");
    }

    /// <summary>Sphere Power and, when a cylinder was measured, the Cylinder Sequence (Cylinder Power, Cylinder Axis).</summary>
    public static DataSetWriter EyeItem(EyeRefraction eye)
    {
        var item = new DataSetWriter();
        if (eye.Cylinder is { } power && eye.Axis is { } axis)
            item.AddSequence(CylinderSequence, [new DataSetWriter().AddFloat(CylinderAxis, (float)axis).AddDouble(CylinderPower, power)]);
        return item.AddDouble(SpherePower, eye.Sphere);
    }
}
