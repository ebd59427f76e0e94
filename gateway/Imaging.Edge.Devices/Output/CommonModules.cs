using Imaging.Edge.Dicom.Data.Writing;
using T = Imaging.Edge.Devices.Output.OutputTags;

namespace Imaging.Edge.Devices.Output;

/// <summary>The series an object of the device output is in: its own series per object kind, in the message's study.</summary>
internal sealed record SeriesInfo(string SeriesInstanceUid, string Modality, int SeriesNumber, string Description);

/// <summary>
/// The modules every object of the device output carries (PS3.3): SOP Common (C.12.1), Patient (C.7.1.1), General
/// Study (C.7.2.1), the series (General Series C.7.3.1 / SR Document Series C.17.1) and General Equipment (C.7.5.1).
/// Type 2 attributes the device cannot know (birth date, sex, accession number, referring physician, study ID) are
/// present and empty, as the IODs require.
/// </summary>
internal static class CommonModules
{
    /// <summary>
    /// UTF-8, declared only when a text value needs it (device text is decoded by the profile's encoding and may hold
    /// any character); ASCII-only data sets use the default repertoire, which every reader supports.
    /// </summary>
    public const string CharacterSet = "ISO_IR 192";

    /// <summary>Adds Specific Character Set when the data set holds text beyond ASCII. Call last.</summary>
    public static byte[] Finish(DataSetWriter ds)
    {
        if (ds.UsesExtendedCharacters)
            ds.AddCodeString(T.SpecificCharacterSet, CharacterSet);
        return ds.ToArray();
    }

    public static DataSetWriter Start(string sopClassUid, string sopInstanceUid, StudyContext study, SeriesInfo series, DateTime created)
    {
        var ds = new DataSetWriter()
            .AddDate(T.InstanceCreationDate, DateOnly.FromDateTime(created))
            .AddTime(T.InstanceCreationTime, TimeOnly.FromDateTime(created))
            .AddUid(T.SopClassUid, sopClassUid)
            .AddUid(T.SopInstanceUid, sopInstanceUid);

        // Patient
        ds.AddString(T.PatientName, DicomVr.PN, "")
            .AddString(T.PatientId, DicomVr.LO, study.PatientId ?? "")
            .AddString(T.PatientBirthDate, DicomVr.DA, "")
            .AddCodeString(T.PatientSex, "");
        if (!study.Identified)
            ds.AddString(T.PatientComments, DicomVr.LT, StudyContext.UnidentifiedComment);

        // General Study
        ds.AddUid(T.StudyInstanceUid, study.StudyInstanceUid)
            .AddDate(T.StudyDate, DateOnly.FromDateTime(study.Received))
            .AddTime(T.StudyTime, TimeOnly.FromDateTime(study.Received))
            .AddString(T.ReferringPhysicianName, DicomVr.PN, "")
            .AddString(T.StudyId, DicomVr.SH, "")
            .AddString(T.AccessionNumber, DicomVr.SH, "")
            .AddString(T.StudyDescription, DicomVr.LO, study.Description);

        // Series
        ds.AddCodeString(T.Modality, series.Modality)
            .AddUid(T.SeriesInstanceUid, series.SeriesInstanceUid)
            .AddInteger(T.SeriesNumber, series.SeriesNumber)
            .AddDate(T.SeriesDate, DateOnly.FromDateTime(created))
            .AddTime(T.SeriesTime, TimeOnly.FromDateTime(created))
            .AddString(T.SeriesDescription, DicomVr.LO, series.Description);

        // General Equipment: the device, as its profile names it
        return ds.AddString(T.Manufacturer, DicomVr.LO, DeviceText.Clean(study.Device.Vendor, 64))
            .AddString(T.ManufacturerModelName, DicomVr.LO, DeviceText.Clean(study.Device.Model, 64))
            .AddString(T.StationName, DicomVr.SH, DeviceText.Clean(study.Device.Name, 16));
    }
}
