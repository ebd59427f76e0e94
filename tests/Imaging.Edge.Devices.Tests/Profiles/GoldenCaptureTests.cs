using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Replay;
using Imaging.Edge.Devices.Tests.Link;
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
    public void The_profiles_the_issue_asks_for_are_shipped()
    {
        var profiles = ProfileLoader.LoadDirectory(ShippedProfiles.Directory).ToDictionary(p => p.Name, p => p.Profile!);

        Assert.Contains("astm-e1394", profiles.Keys);
        Assert.Contains("example-bloodgas-bg900", profiles.Keys); // analyser-specific, LOINC
        Assert.Equal(LinkProtocol.StxEtx, profiles["nidek-rt5100"].Link.Protocol);
        Assert.Equal(OutputKind.Autorefraction, profiles["nidek-rt5100"].Output.Kind);
        Assert.True(profiles["example-lensmeter-lm"].Link is { Protocol: LinkProtocol.StxEtx, Checksum: not null, Replies: not null });
        Assert.True(profiles["example-monitor-pm"].Link is { Protocol: LinkProtocol.EscapedBinary, Checksum: not null });
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

            var linkGolden = ShippedProfiles.LinkGoldenOf(capture);
            if (File.Exists(linkGolden))
            {
                // what the link refused on the way (a bad check), and the replies the gateway sent the device
                var link = JsonNode.Parse(File.ReadAllText(linkGolden))!;
                Assert.Equal(link["problems"]!.AsArray().Select(p => (string?)p), replay.LinkProblems.Select(p => $"{p.Kind}: {p.Detail}"));
                Assert.Equal((string?)link["replies"], Convert.ToHexString(Replies(profile, bytes)));
            }
            else
                Assert.Empty(replay.LinkProblems);
            var actual = JsonSerializer.SerializeToNode(replay.Outcome, GoldenJson);
            var expected = JsonNode.Parse(File.ReadAllText(ShippedProfiles.GoldenOf(capture)));
            Assert.True(JsonNode.DeepEquals(expected, actual),
                $"{Path.GetFileName(capture)} differs from its golden file; it reads as:\n{actual!.ToJsonString(GoldenJson)}");
            if (profile.Identity.HeaderPattern is { } pattern)
                Assert.Matches(new Regex(pattern), FirstRecord(profile, bytes));
        }
    }

    private static LinkRecorder Receive(HardwareProfile profile, byte[] bytes)
    {
        var recorder = new LinkRecorder();
        using var link = DeviceLinks.Create(profile.Link, recorder, new FakeTimeProvider());
        recorder.OnMessage = m => link.Acknowledge(m.Number, durable: true); // stored at once, as in a replay
        link.Receive(bytes);
        return recorder;
    }

    /// <summary>What the gateway answered while receiving the capture.</summary>
    private static byte[] Replies(HardwareProfile profile, byte[] bytes) => Receive(profile, bytes).Take();

    /// <summary>The header record: the first record of the first message (ASTM: the H record, from H).</summary>
    private static string FirstRecord(HardwareProfile profile, byte[] bytes) =>
        Encoding.Latin1.GetString(Receive(profile, bytes).Messages[0].Text).Split(profile.Parser.Separator ?? ParserSettings.DefaultSeparator)[0];
}
