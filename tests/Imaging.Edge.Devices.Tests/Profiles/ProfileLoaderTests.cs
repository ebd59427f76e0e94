using System.Text.Json.Nodes;
using Imaging.Edge.Devices.Link.Astm;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Tests.Profiles;

public sealed class ProfileLoaderTests
{
    private static JsonObject Generic() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(ShippedProfiles.Directory, "astm-e1394.json")))!.AsObject();

    private static IReadOnlyList<string> ErrorsOf(JsonObject profile)
    {
        var load = ProfileLoader.Load("test", profile.ToJsonString());
        if (load.Errors.Count > 0)
            Assert.Null(load.Profile);
        return [.. load.Errors.Select(e => e.ToString())];
    }

    [Fact]
    public void Reads_every_section_of_a_profile()
    {
        var load = ProfileLoader.Load("generic", Generic().ToJsonString());

        Assert.Empty(load.Errors);
        var profile = load.Profile!;
        Assert.Equal(SerialHandshake.None, profile.Port.Handshake);
        Assert.Equal(TextEncoding.Latin1, profile.Port.Encoding);
        Assert.Equal(LinkProtocol.AstmE1381, profile.Link.Protocol);
        Assert.Equal(ParserKind.AstmE1394, profile.Parser.Kind);
        Assert.Equal("R.3.4", profile.Mapping.TestCode);
        Assert.Equal(["Q"], profile.Filter!.DropProcessingIds!);
        Assert.Equal(OutputKind.Sr, profile.Output.Kind);
        var options = profile.Link.ToAstmOptions();
        Assert.Equal(AstmLinkOptions.CurrentMaxFrameSize, options.MaxFrameSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ReceiverTimeout);
        Assert.Equal(AstmMessageBoundary.TerminatorRecord, options.MessageBoundary);
    }

    [Fact]
    public void Typo_in_a_field_name_is_an_error_with_its_path_and_a_suggestion()
    {
        var profile = Generic();
        var port = profile["port"]!.AsObject();
        port["baudrate"] = port["baudRate"]!.DeepClone();
        port.Remove("baudRate");

        Assert.Equal(["$.port.baudrate: unknown field; did you mean 'baudRate'?", "$.port.baudRate: is required"], ErrorsOf(profile));
    }

    [Fact]
    public void Every_error_is_reported_not_only_the_first()
    {
        var profile = Generic();
        profile["port"]!["dataBits"] = "8";
        profile["port"]!["parity"] = "evne";
        profile["port"]!["dtrEnable"] = 1;
        profile["link"]!["maxFrameSize"] = 247.5;
        profile["mapping"]!["testCodes"] = new JsonObject { ["GLU"] = new JsonObject { ["scheme"] = "LN", ["code"] = 15074 } };
        profile["filter"]!["dropProcessingIds"] = new JsonArray("Q", 7);
        profile["colour"] = "blue";
        profile.Remove("output");

        Assert.Equal(
            [
                "$.port.dataBits: must be a whole number, not the string \"8\"",
                "$.port.parity: must be one of \"none\", \"odd\", \"even\", \"mark\", \"space\", not the string \"evne\"",
                "$.port.dtrEnable: must be true or false, not the number 1",
                "$.link.maxFrameSize: must be a whole number, not the number 247.5",
                "$.mapping.testCodes['GLU'].code: must be a string, not the number 15074",
                "$.mapping.testCodes['GLU'].meaning: is required",
                "$.filter.dropProcessingIds[1]: must be a string, not the number 7",
                "$.colour: unknown field (known: $schema, identity, port, link, parser, mapping, filter, output)",
                "$.output: is required",
            ],
            ErrorsOf(profile));
    }

    [Fact]
    public void Values_out_of_range_bad_references_and_patterns_are_errors_after_the_shape_check()
    {
        var profile = Generic();
        profile["port"]!["dataBits"] = 9;
        profile["link"]!["maxFrameSize"] = 70000;
        profile["link"]!["maxAttempts"] = 0;
        profile["mapping"]!["value"] = "R4";
        profile["identity"]!["headerPattern"] = "H|(unclosed";

        var errors = ErrorsOf(profile);

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("$.identity.headerPattern: is not a regular expression", StringComparison.Ordinal));
        Assert.Contains("$.port.dataBits: must be 5 to 8", errors);
        Assert.Contains("$.link.maxFrameSize: must be 8 to 64000 (legacy E1381: 247)", errors);
        Assert.Contains("$.link.maxAttempts: must be 1 to 100", errors);
        Assert.Contains("$.mapping.value: must be a field reference such as R.4 or R.3.4 (record type, field, optional component)", errors);
    }

    [Theory]
    [InlineData("", "$: is not JSON (line 1, byte 1)")]
    [InlineData("{ \"identity\": ", "$: is not JSON (line 1, byte 15)")]
    [InlineData("[]", "$: must be an object, not an array")]
    public void Not_a_profile_at_all_is_an_error(string json, string expected)
    {
        var load = ProfileLoader.Load("bad", json);

        Assert.Null(load.Profile);
        Assert.Equal(expected, Assert.Single(load.Errors).ToString());
    }

    [Fact]
    public void Missing_file_is_an_error_not_an_exception()
    {
        var load = ProfileLoader.LoadFile(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json"));

        Assert.Null(load.Profile);
        Assert.StartsWith("$: cannot be read", Assert.Single(load.Errors).ToString(), StringComparison.Ordinal);
    }
}
