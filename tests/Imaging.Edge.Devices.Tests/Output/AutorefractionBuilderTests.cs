using System.Text.Json.Nodes;
using Imaging.Edge.Devices.Output;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Tests.Profiles;
using Imaging.Edge.Dicom.Data.Writing;

namespace Imaging.Edge.Devices.Tests.Output;

/// <summary>The Autorefraction Measurements instance, read back by dcmdump and pydicom.</summary>
public sealed class AutorefractionBuilderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("devout-ar-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static DeviceDicomObject Build(params EyeRefraction[] eyes)
    {
        var profile = ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory, "astm-e1394.json")).Profile!;
        var uids = new UidGenerator(null);
        var study = StudyContext.Create("PAT-7", DeviceSource.Of("refractor-1", "astm-e1394", profile, "2.25.9"), CaptureOutput.Received, uids);
        return AutorefractionBuilder.Build(study, eyes, CaptureOutput.Received, uids);
    }

    [Fact]
    public void Right_and_left_eye_sequences_read_back_in_dcmdump_and_pydicom()
    {
        // OR+ 1.25- 1.25150 / OL- 0.50- 0.75 90 as a NIDEK refractor sends them
        var ar = Build(new EyeRefraction(Eye.Right, 1.25, -1.25, 150), new EyeRefraction(Eye.Left, -0.5, -0.75, 90));
        string path = Path.Combine(_folder, "ar.dcm");
        Peers.WritePart10(path, ar);

        var (exit, output, errors) = Peers.Run(Peers.Dcmdump, "-dc", path);
        Assert.True(exit == 0 && errors.Length == 0, $"dcmdump exit {exit}: {errors}");
        Assert.Contains("AutorefractionRightEyeSequence", output, StringComparison.Ordinal);
        Assert.Contains("AutorefractionLeftEyeSequence", output, StringComparison.Ordinal);

        const string script = "import sys, json, pydicom\n" +
            "d = pydicom.dcmread(sys.argv[1])\n" +
            "eye = lambda s: [s[0].SpherePower, s[0].CylinderSequence[0].CylinderPower, s[0].CylinderSequence[0].CylinderAxis]\n" +
            "print(json.dumps([str(d.SOPClassUID), d.Modality, d.MeasurementLaterality, eye(d.AutorefractionRightEyeSequence), eye(d.AutorefractionLeftEyeSequence)]))";
        (exit, output, errors) = Peers.Run(Peers.Python, "-c", script, path);
        Assert.True(exit == 0, $"pydicom exit {exit}: {errors}");
        var read = JsonNode.Parse(output)!.AsArray();
        Assert.Equal("1.2.840.10008.5.1.4.1.1.78.2", (string?)read[0]);
        Assert.Equal("AR", (string?)read[1]);
        Assert.Equal("B", (string?)read[2]);
        Assert.Equal([1.25, -1.25, 150.0], read[3]!.AsArray().Select(n => (double)n!));
        Assert.Equal([-0.5, -0.75, 90.0], read[4]!.AsArray().Select(n => (double)n!));
    }

    [Fact]
    public void One_eye_gives_its_laterality_and_only_its_sequence()
    {
        var elements = Dicom.Tests.Data.Writing.ExplicitVrTree.Read(Build(new EyeRefraction(Eye.Left, -2, 0, 0)).DataSet);

        Assert.Equal("L", elements.Single(e => e.Tag == new Dicom.Data.DicomTag(0x0024, 0x0113)).Text);
        Assert.DoesNotContain(elements, e => e.Tag == new Dicom.Data.DicomTag(0x0046, 0x0050));
        Assert.Contains(elements, e => e.Tag == new Dicom.Data.DicomTag(0x0046, 0x0052));
    }

    [Fact]
    public void Refuses_no_reading_or_two_readings_of_one_eye()
    {
        Assert.Throws<ArgumentException>(() => Build());
        Assert.Throws<ArgumentException>(() => Build(new EyeRefraction(Eye.Right, 1, 0, 0), new EyeRefraction(Eye.Right, 2, 0, 0)));
    }
}
