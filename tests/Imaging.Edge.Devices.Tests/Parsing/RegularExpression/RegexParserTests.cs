using System.Text;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Tests.Parsing.Records;

namespace Imaging.Edge.Devices.Tests.Parsing.RegularExpression;

public sealed class RegexParserTests
{
    private static ParseOutcome Read(string text, string profile = RecordProfiles.Lensmeter) =>
        MessageParsers.Create(RecordProfiles.Load(profile)).Read(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void Named_groups_become_the_fields_with_the_patient_of_the_message_and_the_eye_of_each_line()
    {
        var message = Assert.Single(Read("ID:PAT-42\r\nR S-1.25 C-0.50 A180 ADD+2.00\r\nL S+0.75 C-0.25 A5\r\n").Messages);

        Assert.Empty(message.Problems);
        Assert.Equal(
            [
                ("SPH", "-1.25", Eye.Right), ("CYL", "-0.50", Eye.Right), ("AX", "180", Eye.Right), ("ADD", "2.00", Eye.Right),
                ("SPH", "0.75", Eye.Left), ("CYL", "-0.25", Eye.Left), ("AX", "5", Eye.Left),
            ],
            message.Results.Select(r => (r.TestCode, r.Value, r.Eye!.Value)));
        Assert.All(message.Results, r => Assert.Equal("PAT-42", r.PatientId));
        Assert.Equal(RefractionQuantity.AddNear, message.Results[3].Refraction);
    }

    [Fact]
    public void A_line_no_pattern_matches_is_ignored_with_a_problem_that_gives_only_its_length()
    {
        var message = Assert.Single(Read("R S-1.25 C-0.50\r\nL S+0.75 C-0.25 A5\r\n").Messages);

        Assert.Equal(3, message.Results.Count);
        Assert.Equal(["record 1: matches no record kind's pattern (15 characters); ignored"], message.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_group_value_that_is_not_of_its_type_is_a_problem_naming_the_record_and_field()
    {
        var profile = RecordProfiles.Json(RecordProfiles.Lensmeter);
        profile["parser"]!["records"]![1]!["pattern"] = "^(?<eye>[RL]) S(?<sphere>\\S+) C(?<cylinder>\\S+) A(?<axis>\\S+)$";
        profile["parser"]!["records"]![1]!["fields"]!.AsArray().RemoveAt(4); // no 'add' group in this pattern

        var message = Assert.Single(Read("R S-1.2x C-0.50 A1O\r\n", profile.ToJsonString()).Messages);

        Assert.Equal(["CYL"], message.Results.Select(r => r.TestCode));
        Assert.Equal(
            ["record 1 (lens) field 'sphere': is not a decimal number", "record 1 (lens) field 'axis': is not a whole number"],
            message.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_pattern_that_runs_over_its_timeout_gives_up_the_record_with_a_problem_and_reads_the_next()
    {
        var profile = RecordProfiles.Json(RecordProfiles.Lensmeter);
        profile["parser"]!["matchTimeoutMilliseconds"] = 1;
        // nested quantifiers backtrack exponentially on a run of 'a' that does not end the way the pattern wants
        profile["parser"]!["records"]![0]!["pattern"] = "^ID:(?<patient>(a+)+)$";

        var message = Assert.Single(Read(new string('a', 40).Insert(0, "ID:") + "!\r\nL S+0.75 C-0.25 A5\r\n", profile.ToJsonString()).Messages);

        Assert.Equal(3, message.Results.Count);
        var problem = Assert.Single(message.Problems).ToString();
        Assert.Equal("record 1 (patient): pattern ran over its 1 ms limit on this record (44 characters); record ignored", problem);
    }
}
