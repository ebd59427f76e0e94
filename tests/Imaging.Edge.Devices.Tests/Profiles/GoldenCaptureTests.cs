using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Replay;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.Profiles;

/// <summary>
/// Every shipped profile is valid, has at least one capture, and each capture (the device's bytes, link layer
/// included) read through the profile's link state machine and parser gives exactly its golden result.
/// </summary>
public sealed class GoldenCaptureTests
{
    private static readonly JsonSerializerOptions GoldenJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static TheoryData<string> Profiles() =>
        [.. ProfileLoader.LoadDirectory(ShippedProfiles.Directory).Select(p => p.Name)];

    [Fact]
    public void The_generic_and_an_analyser_specific_profile_are_shipped()
    {
        var names = ProfileLoader.LoadDirectory(ShippedProfiles.Directory).Select(p => p.Name).ToList();

        Assert.Contains("astm-e1394", names);
        Assert.Contains("example-bloodgas-bg900", names);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Shipped_profile_is_valid_and_its_captures_match_their_golden_files(string name)
    {
        var load = ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory, name + ".json"));
        Assert.Empty(load.Errors);
        var profile = load.Profile!;
        var captures = ShippedProfiles.CapturesOf(name).ToList();
        Assert.NotEmpty(captures);

        foreach (var capture in captures)
        {
            var bytes = File.ReadAllBytes(capture);
            var replay = CaptureReplay.Run(profile, bytes, new FakeTimeProvider());

            Assert.Empty(replay.LinkProblems);
            var actual = JsonSerializer.SerializeToNode(replay.Outcome, GoldenJson);
            var expected = JsonNode.Parse(File.ReadAllText(ShippedProfiles.GoldenOf(capture)));
            Assert.True(JsonNode.DeepEquals(expected, actual),
                $"{Path.GetFileName(capture)} differs from its golden file; it reads as:\n{actual!.ToJsonString(GoldenJson)}");
            if (profile.Identity.HeaderPattern is { } pattern)
            {
                var header = Encoding.Latin1.GetString(bytes).Split('\u0002')[1][1..]; // first frame's text, after FN
                Assert.Matches(new Regex(pattern), header);
            }
        }
    }
}
