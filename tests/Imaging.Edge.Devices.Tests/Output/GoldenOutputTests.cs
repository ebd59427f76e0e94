using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Devices.Tests.Output;

/// <summary>
/// For each shipped capture, the DICOM objects it becomes (read back with the strict test reader: patient, study,
/// SR content tree, raw data) equal its golden file <c>captures/{profile}/{name}.dicom.json</c>.
/// </summary>
public sealed class GoldenOutputTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static TheoryData<string, string> Captures()
    {
        var data = new TheoryData<string, string>();
        foreach (var (profile, capture) in CaptureOutput.All())
            data.Add(profile, Path.GetFileName(capture));
        return data;
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Capture_becomes_the_dicom_objects_of_its_golden_file(string profile, string captureName)
    {
        string capture = Path.Combine(Profiles.ShippedProfiles.Directory, "captures", profile, captureName);

        var objects = CaptureOutput.Build(profile, capture);

        var actual = new JsonArray([.. objects.Select(o => (JsonNode)SrJson.Render(o.DataSet))]);
        string golden = CaptureOutput.GoldenOf(capture);
        Assert.True(File.Exists(golden), $"no golden file {Path.GetFileName(golden)}; the capture reads as:\n{actual.ToJsonString(Indented)}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(golden)), actual),
            $"{captureName} differs from its golden file; it reads as:\n{actual.ToJsonString(Indented)}");
    }
}
