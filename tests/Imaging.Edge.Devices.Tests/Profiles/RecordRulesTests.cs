using System.Text.Json.Nodes;
using Imaging.Edge.Devices.Tests.Parsing.Records;

namespace Imaging.Edge.Devices.Tests.Profiles;

/// <summary>The loader's checks of the fixed-width, regex and binary parsers' records, each error with its JSON path.</summary>
public sealed class RecordRulesTests
{
    private static JsonObject Record(JsonObject profile, int index) => profile["parser"]!["records"]![index]!.AsObject();

    private static JsonObject Field(JsonObject profile, int record, int field) => Record(profile, record)["fields"]![field]!.AsObject();

    [Fact]
    public void The_example_profiles_are_valid()
    {
        Assert.Empty(RecordProfiles.ErrorsOf(RecordProfiles.Refractor));
        Assert.Empty(RecordProfiles.ErrorsOf(RecordProfiles.Lensmeter));
        Assert.Empty(RecordProfiles.ErrorsOf(RecordProfiles.Monitor));
    }

    [Fact]
    public void Fixed_width_names_tags_offsets_and_measurements_are_checked()
    {
        var profile = RecordProfiles.Json(RecordProfiles.Refractor);
        Record(profile, 2)["name"] = "objective-right";
        Record(profile, 2)["tag"] = "OR";
        Field(profile, 1, 1)["name"] = "sphere";
        Field(profile, 1, 2)["offset"] = 4095;
        Field(profile, 1, 0).Remove("testCode");
        Field(profile, 0, 0)["units"] = "deg";
        Record(profile, 1).Remove("eye");

        Assert.Equal(
            [
                "$.parser.records[0].fields[0]: testCode, units and refraction are for measurements only",
                "$.parser.records[1].fields[0].refraction: an ophthalmic value needs an eye: give the record an eye or an eye field",
                "$.parser.records[1].fields[0].testCode: a measurement needs a test code (or set use to what the field is)",
                "$.parser.records[1].fields[1].name: is the name of another field of this record",
                "$.parser.records[1].fields[1].refraction: an ophthalmic value needs an eye: give the record an eye or an eye field",
                "$.parser.records[1].fields[2].length: offset and length reach past 4096 characters",
                "$.parser.records[1].fields[2].refraction: an ophthalmic value needs an eye: give the record an eye or an eye field",
                "$.parser.records[2].name: is the name of another record kind",
                "$.parser.records[2].tag: is the tag of another record kind",
            ],
            RecordProfiles.ErrorsOf(profile).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_regex_that_does_not_compile_or_lacks_a_field_group_is_an_error()
    {
        var profile = RecordProfiles.Json(RecordProfiles.Lensmeter);
        Record(profile, 0)["pattern"] = "^ID:(?<patient>\\S{1,64}$";
        Field(profile, 1, 4)["name"] = "addition";
        profile["parser"]!["matchTimeoutMilliseconds"] = 0;

        var errors = RecordProfiles.ErrorsOf(profile);

        Assert.Equal(3, errors.Count);
        Assert.Contains("$.parser.matchTimeoutMilliseconds: must be 1 to 10000", errors);
        Assert.Contains(errors, e => e.StartsWith("$.parser.records[0].pattern: is not a regular expression: ", StringComparison.Ordinal));
        Assert.Contains("$.parser.records[1].fields[4].name: is not a named group of the record's pattern", errors);
    }

    [Fact]
    public void Binary_widths_tags_and_settings_of_other_parsers_are_checked()
    {
        var profile = RecordProfiles.Json(RecordProfiles.Monitor);
        Field(profile, 0, 0)["width"] = 3;
        Field(profile, 0, 1)["length"] = 1;
        Field(profile, 0, 2)["type"] = "decimal";
        Record(profile, 0)["tag"] = "0G";
        profile["parser"]!["separator"] = "\r";

        Assert.Equal(
            [
                "$.parser.records[0].fields[0].width: binary needs a width of 1, 2 or 4 bytes",
                "$.parser.records[0].fields[1].length: is for fixed-width only (binary: width)",
                "$.parser.records[0].fields[2].type: binary fields are integers",
                "$.parser.records[0].tag: binary tags are 1 to 16 bytes in hex, such as A1 or 0102",
                "$.parser.separator: is for fixed-width and regex only",
            ],
            RecordProfiles.ErrorsOf(profile).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void E1394_field_references_are_required_for_astm_only_and_refused_for_the_record_parsers()
    {
        var refractor = RecordProfiles.Json(RecordProfiles.Refractor);
        refractor["mapping"]!["value"] = "R.4";
        var generic = JsonNode.Parse(File.ReadAllText(Path.Combine(ShippedProfiles.Directory, "astm-e1394.json")))!.AsObject();
        generic["mapping"]!.AsObject().Remove("value");
        generic["parser"]!["records"] = new JsonArray();

        Assert.Equal(["$.mapping.value: is for astm-e1394 only: declare this parser's fields in parser.records"], RecordProfiles.ErrorsOf(refractor));
        Assert.Equal(
            ["$.mapping.value: is required for astm-e1394", "$.parser.records: is not for astm-e1394 (its fields are in mapping)"],
            RecordProfiles.ErrorsOf(generic));
    }
}
