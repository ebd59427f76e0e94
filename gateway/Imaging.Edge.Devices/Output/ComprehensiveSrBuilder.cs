using System.Globalization;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Dicom.Data.Writing;
using T = Imaging.Edge.Devices.Output.OutputTags;
using static Imaging.Edge.Devices.Output.SrContentItems;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// The Comprehensive SR (1.2.840.10008.5.1.4.1.1.88.33, PS3.3 A.35.3) of one patient's results in a device message.
/// <para>
/// Content tree (no template claimed; relationships within the Comprehensive SR constraints of Table A.35.3-2):
/// a CONTAINER root "Laboratory report" (LOINC 11502-2), SEPARATE; first the observation context — Observer Type
/// = Device, Device Observer UID, Name, Manufacturer, Model Name (TID 1004 codes) and, when all results share
/// one, the Specimen Identifier — then per result, in the device's order, CONTAINS a NUM (numeric value as DS,
/// units as a UCUM code) or, for a value that is not a number ("&gt;100", "NEG"), a TEXT with the value as sent.
/// A result's concept is its profile mapping (e.g. LOINC <c>LN</c>), else the device's code in the private scheme
/// <c>99EDGE</c>. Its flags are a TEXT child (HAS PROPERTIES); its time is the item's Observation DateTime.
/// </para>
/// </summary>
internal static class ComprehensiveSrBuilder
{
    public static DeviceDicomObject Build(StudyContext study, IReadOnlyList<DeviceResult> results, DateTime created, UidGenerator uids)
    {
        string sopInstanceUid = uids.Next();
        var series = new SeriesInfo(uids.Next(), "SR", 1, "Device results");
        var ds = CommonModules.Start(OutputUids.ComprehensiveSr, sopInstanceUid, study, series, created);

        if (results.Any(r => r.Concept is null))
            ds.AddSequence(T.CodingSchemeIdentificationSequence,
            [
                new DataSetWriter()
                    .AddString(T.CodingSchemeDesignator, DicomVr.SH, SrCodes.PrivateScheme)
                    .AddString(T.CodingSchemeName, DicomVr.ST, "Device test codes as sent by the device (Imaging Edge)"),
            ]);

        // SR Document Series: no performed procedure step is known
        ds.AddSequence(T.ReferencedPerformedProcedureStepSequence, []);

        // SR Document General
        ds.AddInteger(T.InstanceNumber, 1)
            .AddCodeString(T.CompletionFlag, "COMPLETE")
            .AddCodeString(T.VerificationFlag, "UNVERIFIED")
            .AddDate(T.ContentDate, DateOnly.FromDateTime(created))
            .AddTime(T.ContentTime, TimeOnly.FromDateTime(created))
            .AddSequence(T.PerformedProcedureCodeSequence, []);

        // SR Document Content: the root content item
        ds.AddCodeString(T.ValueType, "CONTAINER")
            .AddCodeSequence(T.ConceptNameCodeSequence, SrCodes.LaboratoryReport)
            .AddCodeString(T.ContinuityOfContent, "SEPARATE")
            .AddSequence(T.ContentSequence, Content(study.Device, results));

        return new DeviceDicomObject(OutputUids.ComprehensiveSr, sopInstanceUid, study.StudyInstanceUid, series.SeriesInstanceUid, CommonModules.Finish(ds));
    }

    private static IEnumerable<DataSetWriter> Content(DeviceSource device, IReadOnlyList<DeviceResult> results)
    {
        yield return Code(HasObsContext, SrCodes.ObserverType, SrCodes.Device);
        yield return UidRef(HasObsContext, SrCodes.DeviceObserverUid, device.ObserverUid);
        yield return Text(HasObsContext, SrCodes.DeviceObserverName, Or(DeviceText.Clean(device.Name, 1024), device.ProfileName));
        yield return Text(HasObsContext, SrCodes.DeviceObserverManufacturer, Or(DeviceText.Clean(device.Vendor, 1024), "unknown"));
        yield return Text(HasObsContext, SrCodes.DeviceObserverModelName, Or(DeviceText.Clean(device.Model, 1024), "unknown"));

        var specimens = results.Select(r => DeviceText.Clean(r.SpecimenId, 1024)).Distinct().ToList();
        bool onePerMessage = specimens.Count == 1;
        if (onePerMessage && specimens[0].Length > 0)
            yield return Text(HasObsContext, SrCodes.SpecimenIdentifier, specimens[0]);

        foreach (var result in results)
            yield return ResultItem(result, specimenPerResult: !onePerMessage);
    }

    private static DataSetWriter ResultItem(DeviceResult result, bool specimenPerResult)
    {
        DicomCode concept = ConceptOf(result);
        string value = result.Value.Trim();
        DataSetWriter item = DataSetWriter.IsDecimalString(value)
            ? Num(Contains, concept, value, UnitsOf(result.Units))
            : Text(Contains, concept, Or(DeviceText.Clean(TextValue(result), 1024), "(empty)"));

        if (result.ResultTime is { } time &&
            DateTime.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime observed))
            item.AddDateTime(T.ObservationDateTime, observed);

        var children = new List<DataSetWriter>();
        string flags = DeviceText.Clean(result.Flags, 1024);
        if (flags.Length > 0)
            children.Add(Text(HasProperties, SrCodes.DeviceFlags, flags));
        string specimen = DeviceText.Clean(result.SpecimenId, 1024);
        if (specimenPerResult && specimen.Length > 0)
            children.Add(Text(HasObsContext, SrCodes.SpecimenIdentifier, specimen));
        if (children.Count > 0)
            item.AddSequence(T.ContentSequence, children);
        return item;
    }

    /// <summary>A value that is not a number keeps its units in the text, as the device sent them.</summary>
    private static string TextValue(DeviceResult result) =>
        string.IsNullOrWhiteSpace(result.Units) ? result.Value : $"{result.Value} {result.Units}";

    private static DicomCode ConceptOf(DeviceResult result)
    {
        if (result.Concept is { } mapped)
            return new DicomCode(DeviceText.Clean(mapped.Code, 64), DeviceText.Clean(mapped.Scheme, 16), DeviceText.Clean(mapped.Meaning, 64));
        string code = Or(DeviceText.Clean(result.TestCode, 64), "UNKNOWN");
        return new DicomCode(code, SrCodes.PrivateScheme, code);
    }

    /// <summary>Units as sent are taken as a UCUM code (mmol/L, umol/L, kPa, % are); none: UCUM unity.</summary>
    private static DicomCode UnitsOf(string? units)
    {
        string code = DeviceText.Clean(units, 64);
        return code.Length == 0 ? SrCodes.NoUnits : new DicomCode(code, SrCodes.UcumScheme, code);
    }

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;
}
