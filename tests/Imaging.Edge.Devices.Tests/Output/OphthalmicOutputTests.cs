using System.Text;
using System.Text.Json.Nodes;
using Imaging.Edge.Devices.Output;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Tests.Parsing.Records;
using Imaging.Edge.Dicom.Data.Writing;

namespace Imaging.Edge.Devices.Tests.Output;

/// <summary>
/// <c>output.kind</c> autorefraction and lensometry: a refractor's or lensmeter's message, parsed by its profile, becomes
/// the ophthalmic measurement object (read back by dcmdump and pydicom) and the Raw Data instance; results that do
/// not fit fall back to the Comprehensive SR with a problem.
/// </summary>
public sealed class OphthalmicOutputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("devout-oph-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (IReadOnlyList<DeviceDicomObject> Objects, List<ParseProblem> Problems) Build(string profileJson, string text, OutputKind? kind = null)
    {
        var profile = RecordProfiles.Load(profileJson);
        if (kind is { } k)
            profile = profile with { Output = new OutputSettings { Kind = k } };
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        var message = Assert.Single(MessageParsers.Create(profile).Read(bytes).Messages);
        var problems = new List<ParseProblem>();
        var objects = DeviceOutputBuilder.Build(message, bytes, profile, DeviceSource.Of("eye-1", "test", profile, "2.25.11"),
            CaptureOutput.Received, new UidGenerator(null), problems);
        return (objects, problems);
    }

    private string Dump(DeviceDicomObject o, string name)
    {
        string path = Path.Combine(_folder, name);
        Peers.WritePart10(path, o);
        var (exit, output, errors) = Peers.Run(Peers.Dcmdump, "-dc", path);
        Assert.True(exit == 0 && errors.Length == 0, $"dcmdump exit {exit}: {errors}");
        Assert.DoesNotContain("warning", output, StringComparison.OrdinalIgnoreCase);
        return path;
    }

    private static JsonArray Pydicom(string script, string path)
    {
        var (exit, output, errors) = Peers.Run(Peers.Python, "-c", "import sys, json, pydicom\nd = pydicom.dcmread(sys.argv[1])\n" + script, path);
        Assert.True(exit == 0, $"pydicom exit {exit}: {errors}");
        return JsonNode.Parse(output)!.AsArray();
    }

    [Fact]
    public void A_refractor_message_becomes_autorefraction_with_the_last_reading_of_each_eye_and_raw_data()
    {
        // two right-eye readings: the last is the device's representative one
        var (objects, problems) = Build(RecordProfiles.Refractor, "NIDEK RT-5100\rOR+ 2.00- 0.50 10\rOR+ 1.25- 1.25150\rOL- 0.50- 0.75 90\r");

        Assert.Empty(problems);
        Assert.Equal([AutorefractionBuilder.SopClassUid, OutputUids.RawData], objects.Select(o => o.SopClassUid));
        Assert.Single(objects.Select(o => o.StudyInstanceUid).Distinct());
        string path = Dump(objects[0], "ar.dcm");
        Dump(objects[1], "raw.dcm");
        var read = Pydicom(
            "eye = lambda s: [s[0].SpherePower, s[0].CylinderSequence[0].CylinderPower, s[0].CylinderSequence[0].CylinderAxis]\n" +
            "print(json.dumps([d.Modality, d.MeasurementLaterality, d.PatientID, eye(d.AutorefractionRightEyeSequence), eye(d.AutorefractionLeftEyeSequence)]))", path);
        Assert.Equal("AR", (string?)read[0]);
        Assert.Equal("B", (string?)read[1]);
        Assert.Equal("", (string?)read[2]); // the refractor sent no patient: unidentified
        Assert.Equal([1.25, -1.25, 150.0], read[3]!.AsArray().Select(n => (double)n!));
        Assert.Equal([-0.5, -0.75, 90.0], read[4]!.AsArray().Select(n => (double)n!));
    }

    [Fact]
    public void A_lensmeter_message_becomes_lensometry_with_sphere_cylinder_axis_and_add_per_lens()
    {
        var (objects, problems) = Build(RecordProfiles.Lensmeter, "ID:PAT-42\r\nR S-1.25 C-0.50 A180 ADD+2.00\r\nL S+0.75 C-0.25 A5\r\n");

        Assert.Empty(problems);
        Assert.Equal([LensometryBuilder.SopClassUid, OutputUids.RawData], objects.Select(o => o.SopClassUid));
        string path = Dump(objects[0], "len.dcm");
        var read = Pydicom(
            "lens = lambda s: [s[0].SpherePower, s[0].CylinderSequence[0].CylinderPower, s[0].CylinderSequence[0].CylinderAxis]\n" +
            "r = d.RightLensSequence[0]\n" +
            "print(json.dumps([str(d.SOPClassUID), d.Modality, d.MeasurementLaterality, d.PatientID, lens(d.RightLensSequence), lens(d.LeftLensSequence),\n" +
            "  r.AddNearSequence[0].AddPower, 'AddNearSequence' in d.LeftLensSequence[0], r.LensSegmentType, 'LensDescription' in d]))", path);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.78.1", (string?)read[0]);
        Assert.Equal("LEN", (string?)read[1]);
        Assert.Equal("B", (string?)read[2]);
        Assert.Equal("PAT-42", (string?)read[3]);
        Assert.Equal([-1.25, -0.5, 180.0], read[4]!.AsArray().Select(n => (double)n!));
        Assert.Equal([0.75, -0.25, 5.0], read[5]!.AsArray().Select(n => (double)n!));
        Assert.Equal(2.0, (double)read[6]!);
        Assert.False((bool)read[7]!);
        Assert.Equal("", (string?)read[8]); // type 2: present, empty
        Assert.True((bool)read[9]!);
    }

    [Fact]
    public void Results_that_do_not_fit_the_ophthalmic_object_fall_back_to_the_sr_with_a_problem()
    {
        // a monitor's vitals are no refraction
        var (objects, problems) = Build(RecordProfiles.Monitor, "\u0001\u0000\u0048\u0062\u006F\u0001", OutputKind.Autorefraction);

        Assert.Equal([OutputUids.ComprehensiveSr, OutputUids.RawData], objects.Select(o => o.SopClassUid));
        Assert.Equal(["output autorefraction: result 1 is not an ophthalmic value with an eye; the results are in a Comprehensive SR instead"],
            problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_lens_without_a_sphere_or_an_addition_in_autorefraction_falls_back_to_the_sr()
    {
        var (_, fits) = Build(RecordProfiles.Refractor, "OR+ 1.25- 1.25150\r", OutputKind.Autorefraction);
        var profile = RecordProfiles.Json(RecordProfiles.Refractor);
        profile["parser"]!["records"]![1]!["fields"]!.AsArray().RemoveAt(0);
        var (objects, problems) = Build(profile.ToJsonString(), "OR+ 1.25- 1.25150\r");
        var (_, addition) = Build(RecordProfiles.Lensmeter, "R S-1.25 C-0.50 A180 ADD+2.00\r\n", OutputKind.Autorefraction);

        Assert.Empty(fits); // the profile as written fits
        Assert.Equal(OutputUids.ComprehensiveSr, objects[0].SopClassUid);
        Assert.Equal(["output autorefraction: the right eye has no sphere; the results are in a Comprehensive SR instead"], problems.Select(p => p.ToString()));
        Assert.Equal(["output autorefraction: result 4 is a quantity this object has no place for; the results are in a Comprehensive SR instead"], addition.Select(p => p.ToString()));
    }

    [Fact]
    public void Keratometry_is_not_built_yet_and_says_so()
    {
        var (objects, problems) = Build(RecordProfiles.Refractor, "OR+ 1.25- 1.25150\r", OutputKind.Keratometry);

        Assert.Equal(OutputUids.ComprehensiveSr, objects[0].SopClassUid);
        Assert.Equal(["output keratometry: this object is not built yet; the results are in a Comprehensive SR instead"], problems.Select(p => p.ToString()));
    }
}
