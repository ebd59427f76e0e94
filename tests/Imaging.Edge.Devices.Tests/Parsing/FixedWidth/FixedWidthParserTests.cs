using System.Text;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Tests.Parsing.Records;

namespace Imaging.Edge.Devices.Tests.Parsing.FixedWidth;

public sealed class FixedWidthParserTests
{
    private static ParseOutcome Read(string text, string profile = RecordProfiles.Refractor) =>
        MessageParsers.Create(RecordProfiles.Load(profile)).Read(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void Reads_a_refractor_message_into_per_eye_sphere_cylinder_and_axis_with_their_concepts_and_units()
    {
        var outcome = Read("NIDEK RT-5100\rOR+ 1.25- 1.25150\rOL- 0.50- 0.75 90\r");

        Assert.Empty(outcome.Problems);
        var message = Assert.Single(outcome.Messages);
        Assert.Empty(message.Problems);
        Assert.Equal("NIDEK RT-5100", message.Sender);
        Assert.Equal(
            [
                ("SPH", "1.25", Eye.Right, RefractionQuantity.Sphere), ("CYL", "-1.25", Eye.Right, RefractionQuantity.Cylinder), ("AX", "150", Eye.Right, RefractionQuantity.Axis),
                ("SPH", "-0.50", Eye.Left, RefractionQuantity.Sphere), ("CYL", "-0.75", Eye.Left, RefractionQuantity.Cylinder), ("AX", "90", Eye.Left, RefractionQuantity.Axis),
            ],
            message.Results.Select(r => (r.TestCode, r.Value, r.Eye!.Value, r.Refraction!.Value)));
        Assert.All(message.Results, r => Assert.Null(r.PatientId)); // a refractor sends no patient: an unidentified study
        Assert.Equal(new CodedConcept("SCT", "251795007", "Power of sphere"), message.Results[0].Concept);
        Assert.Equal(["[diop]", "[diop]", "deg"], message.Results.Take(3).Select(r => r.Units));
    }

    [Fact]
    public void A_record_shorter_than_its_fields_names_the_record_and_field_not_the_content()
    {
        var message = Assert.Single(Read("OR+ 1.25- 1.2\r").Messages);

        Assert.Equal(["SPH"], message.Results.Select(r => r.TestCode));
        Assert.Equal(
            [
                "record 1 (objective-right) field 'cylinder': needs characters 9 to 14; the record has 13",
                "record 1 (objective-right) field 'axis': needs characters 15 to 17; the record has 13",
            ],
            message.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_value_that_is_not_a_number_is_a_problem_and_no_result()
    {
        var message = Assert.Single(Read("OR+ 1.25-1X.2515A\r").Messages);

        Assert.Equal(["SPH"], message.Results.Select(r => r.TestCode));
        Assert.Equal(
            [
                "record 1 (objective-right) field 'cylinder': is not a signed number (a sign, optional spaces, digits)",
                "record 1 (objective-right) field 'axis': is not a whole number",
            ],
            message.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_record_of_no_known_kind_is_ignored_with_a_problem_that_gives_only_its_length()
    {
        var message = Assert.Single(Read("XR+ 9.99- 9.99999\rOL- 0.50- 0.75 90\r").Messages);

        Assert.Equal(3, message.Results.Count);
        Assert.Equal(["record 1: no record kind has its tag (17 characters); ignored"], message.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void An_integer_with_a_scale_has_implied_decimal_places()
    {
        var profile = RecordProfiles.Json(RecordProfiles.Refractor);
        var axis = profile["parser"]!["records"]![1]!["fields"]![0]!.AsObject();
        axis["type"] = "integer";
        axis["scale"] = 2;

        var message = Assert.Single(Read("OR-00125- 1.25150\r", profile.ToJsonString()).Messages);

        Assert.Empty(message.Problems);
        Assert.Equal("-1.25", message.Results[0].Value);
    }
}
