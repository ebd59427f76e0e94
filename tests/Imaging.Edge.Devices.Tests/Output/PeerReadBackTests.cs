using System.Globalization;
using System.Text.Json.Nodes;
using Imaging.Edge.Devices.Output;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Replay;
using Imaging.Edge.Devices.Tests.Profiles;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.Output;

/// <summary>
/// The device output of every shipped capture, written as Part 10 files, read back by real peers: dcmtk's
/// <c>dcmdump</c> and <c>dsrdump</c> (exit 0, no warning or error) and pydicom (content tree, NUM values, units and
/// concepts equal to what the parser read, the Raw Data element holding the capture's exact bytes).
/// </summary>
public sealed class PeerReadBackTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("devout-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string> Captures() => GoldenOutputTests.Captures();

    [Theory]
    [MemberData(nameof(Captures))]
    public void Dcmdump_reads_every_object_without_a_warning(string profile, string captureName)
    {
        foreach (string file in WriteFiles(profile, captureName))
        {
            var (exit, output, errors) = Peers.Run(Peers.Dcmdump, "-dc", file);

            Assert.True(exit == 0 && errors.Length == 0, $"dcmdump exit {exit}: {errors}");
            Assert.Contains("(0008,0016) UI =", output, StringComparison.Ordinal);
            if (output.Contains("1.2.840.10008.5.1.4.1.1.66", StringComparison.Ordinal))
                Assert.Contains("(0009,0010) LO [IMAGING EDGE DEVICE RAW 1]", output, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// dicom3tools' IOD verifier checks each SR and ophthalmic object against its IOD's modules (types 1, 2, 1C, 2C,
    /// enumerated values): no error. Warnings allowed: the private coding scheme 99EDGE and what a DICOMDIR would need.
    /// </summary>
    [Theory]
    [MemberData(nameof(Captures))]
    public void Dciodvfy_finds_no_error_in_the_sr_and_ophthalmic_objects(string profile, string captureName)
    {
        foreach (string file in WriteFiles(profile, captureName).Where(f => !f.EndsWith(".raw.dcm", StringComparison.Ordinal)))
        {
            var (_, output, errors) = Peers.Run(Peers.Dciodvfy, file);

            var problems = (output + errors).Split('\n').Where(l => l.Contains("Error", StringComparison.Ordinal)).ToList();
            Assert.True(problems.Count == 0, $"{Path.GetFileName(file)}:\n{string.Join('\n', problems)}");
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Dsrdump_reads_the_sr_content_tree_without_a_warning(string profile, string captureName)
    {
        var results = Parse(profile, captureName).SelectMany(m => m.Results).ToList();
        foreach (string file in WriteFiles(profile, captureName).Where(f => f.EndsWith(".sr.dcm", StringComparison.Ordinal)))
        {
            var (exit, output, errors) = Peers.Run(Peers.Dsrdump, file); // strict: relationship constraints and the VR checker on

            Assert.True(exit == 0 && errors.Length == 0, $"dsrdump exit {exit}: {errors}\n{output}");
            Assert.Contains("Comprehensive SR Document", output, StringComparison.Ordinal);
            foreach (var result in results)
                Assert.Contains($"=\"{result.Value}\"", output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Pydicom_reads_the_measurements_and_the_exact_bytes(string profile, string captureName)
    {
        string capture = CapturePath(profile, captureName);
        var messages = Parse(profile, captureName);
        var files = WriteFiles(profile, captureName);
        if (messages.All(m => m.Dropped is not null))
        {
            Assert.Empty(files); // a dropped message (QC) becomes nothing
            return;
        }

        string main = Assert.Single(files, f => !f.EndsWith(".raw.dcm", StringComparison.Ordinal));
        string raw = Assert.Single(files, f => f.EndsWith(".raw.dcm", StringComparison.Ordinal));
        var (exit, output, errors) = Peers.Run(Peers.Python, Path.Combine(AppContext.BaseDirectory, "Output", "read_back.py"), main, raw, capture);
        Assert.True(exit == 0, $"read_back.py exit {exit}: {errors}");
        var read = JsonNode.Parse(output)!;

        Assert.Equal("1.2.840.10008.5.1.4.1.1.66", (string?)read["rawSopClass"]);
        Assert.True((bool)read["sameStudy"]!);
        Assert.True((bool)read["rawExact"]!, "the Raw Data element does not hold the capture's exact bytes");
        Assert.Equal(RawDataBuilder.PrivateCreator, (string?)read["rawCreator"]);
        var results = messages.SelectMany(m => m.Results).ToList();
        Assert.Equal(results[0].PatientId ?? "", (string?)read["patientId"]);
        if (main.EndsWith(".oph.dcm", StringComparison.Ordinal))
        {
            AssertEyes(results, read);
            return;
        }

        Assert.Equal("1.2.840.10008.5.1.4.1.1.88.33", (string?)read["srSopClass"]);
        Assert.Equal("SR", (string?)read["srModality"]);
        Assert.Equal("11502-2|LN|Laboratory report", (string?)read["title"]);
        var nums = read["content"]!.AsArray().Where(n => (string?)n!["type"] == "NUM").ToList();
        Assert.Equal(results.Count, nums.Count);
        foreach (var (result, num) in results.Zip(nums))
        {
            string concept = result.Concept is { } c ? $"{c.Code}|{c.Scheme}|{c.Meaning}" : $"{result.TestCode}|99EDGE|{result.TestCode}";
            Assert.Equal(concept, (string?)num!["concept"]);
            Assert.Equal(decimal.Parse(result.Value, CultureInfo.InvariantCulture), decimal.Parse((string)num["value"]!, CultureInfo.InvariantCulture));
            Assert.Equal(result.Units is { Length: > 0 } u ? $"{u}|UCUM|{u}" : "1|UCUM|no units", (string?)num["units"]);
            if (result.Flags is null)
                Assert.Null(num["children"]); // no flags sent (a monitor), no flags item
            else
                Assert.Equal(result.Flags, (string?)num["children"]![0]!["value"]);
        }
    }

    /// <summary>An ophthalmic object: per eye, the last value of each quantity the device sent (docs/devices.md).</summary>
    private static void AssertEyes(IReadOnlyList<Imaging.Edge.Devices.Parsing.DeviceResult> results, JsonNode read)
    {
        var expected = new JsonObject();
        foreach (var eye in results.GroupBy(r => r.Eye!.Value))
        {
            var quantities = new JsonObject();
            foreach (var r in eye)
                quantities[r.Refraction!.Value.ToString()] = double.Parse(r.Value, CultureInfo.InvariantCulture);
            expected[eye.Key.ToString()] = quantities;
        }

        Assert.True(JsonNode.DeepEquals(expected, read["eyes"]), $"pydicom read {read["eyes"]}, the parser {expected}");
        Assert.Equal(expected.Count == 2 ? "B" : expected.ContainsKey("Right") ? "R" : "L", (string?)read["laterality"]);
    }

    [Fact]
    public void An_unidentified_message_with_text_beyond_ascii_reads_back_in_dcmdump_and_pydicom()
    {
        var profile = ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory, "astm-e1394.json")).Profile!;
        var message = new Imaging.Edge.Devices.Parsing.DeviceMessage("Analyser", "P", true,
            [new(null, "Probe Größe", "GLU", null, "5.4", "mmol/L", "N", null)], null, []);
        var sr = DeviceOutputBuilder.Build(message, [0x05], profile, DeviceSource.Of("chem-1", "astm-e1394", profile, "2.25.7"),
            CaptureOutput.Received, new Imaging.Edge.Dicom.Data.Writing.UidGenerator(null))[0];
        string path = Path.Combine(_folder, "unidentified.sr.dcm");
        Peers.WritePart10(path, sr);

        var (exit, output, errors) = Peers.Run(Peers.Dcmdump, "-dc", path);
        Assert.True(exit == 0 && errors.Length == 0, $"dcmdump exit {exit}: {errors}");
        Assert.Contains("(0008,0005) CS [ISO_IR 192]", output, StringComparison.Ordinal);

        const string script = "import sys, json, pydicom\n" +
            "d = pydicom.dcmread(sys.argv[1])\n" +
            "print(json.dumps([d.PatientID, d.PatientComments, d.StudyDescription, [i.TextValue for i in d.ContentSequence if i.ValueType == 'TEXT']], ensure_ascii=True))";
        (exit, output, errors) = Peers.Run(Peers.Python, "-c", script, path);
        Assert.True(exit == 0, $"pydicom exit {exit}: {errors}");
        var read = JsonNode.Parse(output)!.AsArray();
        Assert.Equal("", (string?)read[0]);
        Assert.Equal(StudyContext.UnidentifiedComment, (string?)read[1]);
        Assert.Equal("chem-1 2026-12-01 (unidentified)", (string?)read[2]);
        Assert.Contains("Probe Größe", read[3]!.AsArray().Select(n => (string?)n));
    }

    private static string CapturePath(string profile, string captureName) =>
        Path.Combine(ShippedProfiles.Directory, "captures", profile, captureName);

    private static IReadOnlyList<Imaging.Edge.Devices.Parsing.DeviceMessage> Parse(string profile, string captureName)
    {
        var loaded = ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory, profile + ".json")).Profile!;
        return CaptureReplay.Run(loaded, File.ReadAllBytes(CapturePath(profile, captureName)), new FakeTimeProvider()).Outcome.Messages;
    }

    /// <summary>The objects of a capture as Part 10 files.</summary>
    private List<string> WriteFiles(string profile, string captureName)
    {
        var files = new List<string>();
        foreach (var (o, i) in CaptureOutput.Build(profile, CapturePath(profile, captureName)).Select((o, i) => (o, i)))
        {
            string kind = o.SopClassUid == OutputUids.RawData ? "raw" : o.SopClassUid == OutputUids.ComprehensiveSr ? "sr" : "oph";
            files.Add(Peers.WritePart10(Path.Combine(_folder, $"{i}.{kind}.dcm"), o));
        }

        return files;
    }
}
