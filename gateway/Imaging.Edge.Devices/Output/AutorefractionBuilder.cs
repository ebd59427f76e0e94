using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Data.Writing;

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

    /// <inheritdoc cref="RefractiveMeasurements.NotSentByDevice"/>
    public const string NotSentByDevice = RefractiveMeasurements.NotSentByDevice;

    private static readonly DicomTag RightEyeSequence = new(0x0046, 0x0050);
    private static readonly DicomTag LeftEyeSequence = new(0x0046, 0x0052);

    /// <param name="eyes">At most one reading per eye (the device's representative one), at least one.</param>
    public static DeviceDicomObject Build(StudyContext study, IReadOnlyList<EyeRefraction> eyes, DateTime created, UidGenerator uids)
    {
        RefractiveMeasurements.Check(eyes);
        string sopInstanceUid = uids.Next();
        var series = new SeriesInfo(uids.Next(), "AR", 1, "Autorefraction");
        var ds = RefractiveMeasurements.Start(SopClassUid, sopInstanceUid, series, study, eyes, created);

        foreach (var eye in eyes)
            ds.AddSequence(eye.Eye == Eye.Right ? RightEyeSequence : LeftEyeSequence, [RefractiveMeasurements.EyeItem(eye)]);

        return new DeviceDicomObject(SopClassUid, sopInstanceUid, study.StudyInstanceUid, series.SeriesInstanceUid, CommonModules.Finish(ds));
    }
}
