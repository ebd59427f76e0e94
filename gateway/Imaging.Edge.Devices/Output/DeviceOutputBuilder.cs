using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Dicom.Data.Writing;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// Turns one parsed device message into the DICOM objects the gateway stores (docs/devices.md, "DICOM output"):
/// per patient in the message, the object <c>output.kind</c> asks for — a Comprehensive SR of that patient's results,
/// or an Autorefraction / Lensometry Measurements instance when the results are one refraction per eye (else the SR,
/// with a problem saying why) — and a Raw Data instance holding the bytes received, both in one fresh study. Pure: no I/O, no clock (the caller passes the time received), UIDs
/// from the given generator. Does not throw for any parsed message; the objects are given to the intake in order.
/// </summary>
internal static class DeviceOutputBuilder
{
    /// <param name="message">The parsed message; one the profile's filter dropped gives no objects.</param>
    /// <param name="received">The bytes the message came in, as the device sent them (kept in the Raw Data instance).</param>
    /// <param name="receivedAt">The local time when the message was received (study, series and content dates).</param>
    /// <param name="problems">Receives why an ophthalmic output kind fell back to the SR (no content quoted), if given.</param>
    public static IReadOnlyList<DeviceDicomObject> Build(
        DeviceMessage message, ReadOnlySpan<byte> received, HardwareProfile profile, DeviceSource device, DateTime receivedAt, UidGenerator uids,
        ICollection<ParseProblem>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Dropped is not null)
            return [];

        // Results in the device's order, grouped by patient: E1394 allows several patients in one message, and each
        // patient's results belong in that patient's study. A message without results keeps its bytes (Raw Data,
        // unidentified study): nothing a device sent is thrown away unseen.
        var groups = message.Results
            .GroupBy(r => DeviceText.Clean(r.PatientId, 64))
            .Select(g => (PatientId: g.Key, Results: (IReadOnlyList<DeviceResult>)[.. g]))
            .DefaultIfEmpty((PatientId: "", Results: []))
            .ToList();

        var objects = new List<DeviceDicomObject>();
        foreach (var (patientId, results) in groups)
        {
            var study = StudyContext.Create(patientId, device, receivedAt, uids);
            if (results.Count > 0)
                objects.Add(Measurements(profile.Output.Kind, study, results, receivedAt, uids, problems));
            objects.Add(RawDataBuilder.Build(study, received, profile, receivedAt, uids));
        }

        return objects;
    }

    private static readonly IReadOnlySet<RefractionQuantity> AutorefractionQuantities =
        new HashSet<RefractionQuantity> { RefractionQuantity.Sphere, RefractionQuantity.Cylinder, RefractionQuantity.Axis };

    private static readonly IReadOnlySet<RefractionQuantity> LensometryQuantities = new HashSet<RefractionQuantity>(Enum.GetValues<RefractionQuantity>());

    /// <summary>The object of one patient's results that <paramref name="kind"/> asks for, or the SR when they do not fit it.</summary>
    private static DeviceDicomObject Measurements(
        OutputKind kind, StudyContext study, IReadOnlyList<DeviceResult> results, DateTime receivedAt, UidGenerator uids, ICollection<ParseProblem>? problems)
    {
        string? reason;
        switch (kind)
        {
            case OutputKind.Sr:
                return ComprehensiveSrBuilder.Build(study, results, receivedAt, uids);
            case OutputKind.Autorefraction:
                if (OphthalmicReadings.TryGather(results, AutorefractionQuantities, out reason) is { } refraction)
                    return AutorefractionBuilder.Build(study, refraction, receivedAt, uids);
                break;
            case OutputKind.Lensometry:
                if (OphthalmicReadings.TryGather(results, LensometryQuantities, out reason) is { } lenses)
                    return LensometryBuilder.Build(study, lenses, receivedAt, uids);
                break;
            default:
                reason = "this object is not built yet";
                break;
        }
        problems?.Add(new ParseProblem($"output {Kebab(kind)}", $"{reason}; the results are in a Comprehensive SR instead"));
        return ComprehensiveSrBuilder.Build(study, results, receivedAt, uids);
    }

    private static string Kebab(OutputKind kind) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());
}
