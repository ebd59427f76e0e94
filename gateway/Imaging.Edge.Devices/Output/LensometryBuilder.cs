using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Data.Writing;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// The Lensometry Measurements instance (1.2.840.10008.5.1.4.1.1.78.1, PS3.3 A.60.1): the common modules,
/// Lensometry Measurements Series (Modality <c>LEN</c>), Enhanced General Equipment, General Ophthalmic Refractive
/// Measurements and Lensometry Measurements (C.8.25.8): Lens Description (type 2, empty: a lensmeter does not say
/// which spectacles), and per measured lens one item of the Right/Left Lens Sequence with the Lensometry
/// Measurements Macro: Sphere Power (1), the Cylinder Sequence (1C: when a cylinder was measured), Lens Segment Type
/// and Optical Transmittance (type 2: empty, the device does not send them), and Add Near / Add Intermediate
/// Sequences (1C: when the device measured an addition) with their Add Power. Prism (1C) is not written: no parser
/// marks a prism value yet.
/// </summary>
internal static class LensometryBuilder
{
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.78.1";

    private static readonly DicomTag LensDescription = new(0x0046, 0x0012);
    private static readonly DicomTag RightLensSequence = new(0x0046, 0x0014);
    private static readonly DicomTag LeftLensSequence = new(0x0046, 0x0015);
    private static readonly DicomTag LensSegmentType = new(0x0046, 0x0038);
    private static readonly DicomTag OpticalTransmittance = new(0x0046, 0x0040);
    private static readonly DicomTag AddNearSequence = new(0x0046, 0x0100);
    private static readonly DicomTag AddIntermediateSequence = new(0x0046, 0x0101);
    private static readonly DicomTag AddPower = new(0x0046, 0x0104);

    /// <param name="lenses">At most one reading per lens (the device's representative one), at least one.</param>
    public static DeviceDicomObject Build(StudyContext study, IReadOnlyList<EyeRefraction> lenses, DateTime created, UidGenerator uids)
    {
        RefractiveMeasurements.Check(lenses);
        string sopInstanceUid = uids.Next();
        var series = new SeriesInfo(uids.Next(), "LEN", 1, "Lensometry");
        var ds = RefractiveMeasurements.Start(SopClassUid, sopInstanceUid, series, study, lenses, created);

        ds.AddString(LensDescription, DicomVr.LO, "");
        foreach (var lens in lenses)
            ds.AddSequence(lens.Eye == Eye.Right ? RightLensSequence : LeftLensSequence, [LensItem(lens)]);

        return new DeviceDicomObject(SopClassUid, sopInstanceUid, study.StudyInstanceUid, series.SeriesInstanceUid, CommonModules.Finish(ds));
    }

    private static DataSetWriter LensItem(EyeRefraction lens)
    {
        var item = RefractiveMeasurements.EyeItem(lens)
            .AddCodeString(LensSegmentType, "")
            .Add(OpticalTransmittance, DicomVr.FD, []);
        if (lens.AddNear is { } near)
            item.AddSequence(AddNearSequence, [new DataSetWriter().AddDouble(AddPower, near)]);
        if (lens.AddIntermediate is { } intermediate)
            item.AddSequence(AddIntermediateSequence, [new DataSetWriter().AddDouble(AddPower, intermediate)]);
        return item;
    }
}
