using System.Text;
using Imaging.Edge.Devices.Link.Astm;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Parsing.Astm;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Tests.Link.Astm;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.Parsing.Astm;

public sealed class AstmResultReaderTests
{
    private const string Message =
        "H|\\^&|||Analyser^1.0|||||||P|LIS2-A2|20261201103000\r" +
        "P|1|PID-77|||Doe^Jane\r" +
        "O|1|SPEC-9||^^^GLU\\^^^NA|R\r" +
        "R|1|^^^GLU|5.4|mmol/L||N||F||||20261201102500\r" +
        "R|2|^^^NA|139|mmol/L|135-145|N\r" +
        "C|1|I|hemolysed&F&slightly|G\r" +
        "L|1|N\r";

    private static ParseOutcome Read(string text, FieldMapping? mapping = null, ResultFilter? filter = null) =>
        new AstmResultReader(mapping ?? FieldMapping.AstmDefault, filter, Encoding.Latin1).Read(Encoding.Latin1.GetBytes(text));

    [Fact]
    public void Reads_results_with_their_patient_specimen_units_flags_and_time()
    {
        var outcome = Read(Message);

        Assert.Empty(outcome.Problems);
        var message = Assert.Single(outcome.Messages);
        Assert.Equal("Analyser", message.Sender);
        Assert.Equal("P", message.ProcessingId);
        Assert.True(message.Terminated);
        Assert.Empty(message.Problems);
        Assert.Equal(
            [
                new DeviceResult("PID-77", "SPEC-9", "GLU", null, "5.4", "mmol/L", "N", "2026-12-01T10:25:00"),
                new DeviceResult("PID-77", "SPEC-9", "NA", null, "139", "mmol/L", "N", null),
            ],
            message.Results);
    }

    [Fact]
    public void Trailing_empty_fields_may_be_omitted()
    {
        var outcome = Read("H|\\^&\rP|1\rR|1|^^^K|4.1\rL|1\r");

        var result = Assert.Single(Assert.Single(outcome.Messages).Results);
        Assert.Equal(new DeviceResult(null, null, "K", null, "4.1", null, null, null), result);
        Assert.Empty(outcome.Messages[0].Problems);
    }

    [Fact]
    public void Delimiters_are_read_fresh_from_each_header()
    {
        var outcome = Read(
            "H|\\^&\rR|1|^^^GLU|5.4|mmol/L\rL|1\r" +
            "H!\\~#!!!Other\rP!1!ID\\X\rR!1!~~~NA!139!mmol/L\rL!1\r");

        Assert.Equal(2, outcome.Messages.Count);
        Assert.Equal("GLU", outcome.Messages[0].Results[0].TestCode);
        Assert.Equal("Other", outcome.Messages[1].Sender);
        Assert.Equal(new DeviceResult("ID", null, "NA", null, "139", "mmol/L", null, null), outcome.Messages[1].Results[0]);
    }

    [Theory]
    [InlineData("H|\\^&", "a&F&b&S&c&R&d&E&e", "a|b^c\\d&e")]
    [InlineData("H|\\!~", "a~F~b~S~c~R~d~E~e", "a|b!c\\d~e")]
    [InlineData("H|\\^&", "5&X&6&", "5&X&6&")] // unknown sequence and a lone escape kept as sent
    public void Escape_sequences_are_replaced_after_splitting(string header, string value, string expected)
    {
        var outcome = Read($"{header}\rR|1|{header[3]}{header[3]}{header[3]}T|{value}\rL|1\r");

        Assert.Equal(expected, Assert.Single(outcome.Messages[0].Results).Value);
    }

    [Fact]
    public void Header_processing_id_Q_drops_the_message_when_the_filter_says_so()
    {
        var qc = Message.Replace("|||||||P|", "|||||||Q|", StringComparison.Ordinal);

        var kept = Assert.Single(Read(qc).Messages);
        var dropped = Assert.Single(Read(qc, filter: new ResultFilter { DropProcessingIds = ["Q"] }).Messages);

        Assert.Equal("Q", kept.ProcessingId);
        Assert.Equal(2, kept.Results.Count);
        Assert.Equal("processing id Q", dropped.Dropped);
        Assert.Empty(dropped.Results);
        Assert.Equal(2, Assert.Single(Read(Message, filter: new ResultFilter { DropProcessingIds = ["Q"] }).Messages).Results.Count);
    }

    [Fact]
    public void Result_with_fewer_fields_than_the_mapping_reads_is_reported_without_its_content()
    {
        var outcome = Read("H|\\^&\rP|1|SECRET-ID\rR|1|^^^GLU\rR|2|^^^NA|139\rL|1\r");

        var message = Assert.Single(outcome.Messages);
        Assert.Equal("NA", Assert.Single(message.Results).TestCode);
        var problem = Assert.Single(message.Problems);
        Assert.Equal("R record 3: value (R.4) is missing or empty; the record has 3 fields", problem.ToString());
        Assert.DoesNotContain("SECRET", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_result_time_is_reported_and_left_out()
    {
        var message = Assert.Single(Read("H|\\^&\rR|1|^^^GLU|5.4|||||||||20261399\rL|1\r").Messages);

        Assert.Null(Assert.Single(message.Results).ResultTime);
        Assert.Contains("result time (R.13)", Assert.Single(message.Problems).What, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_outside_a_message_and_unknown_types_are_reported()
    {
        var outcome = Read("R|1|^^^GLU|1\rH|\\^&\rX|1\rR|1|^^^GLU|5.4\r");

        Assert.Equal(
            ["record 1: R record outside a message (no header before it)", "record 3: unknown record type X", "record 4: message ends without a terminator record"],
            outcome.Problems.Select(p => p.ToString()));
        Assert.False(Assert.Single(outcome.Messages).Terminated);
    }

    [Fact]
    public void Test_codes_map_to_coded_concepts()
    {
        var mapping = FieldMapping.AstmDefault with
        {
            TestCodes = new Dictionary<string, CodedConcept> { ["GLU"] = new("LN", "15074-8", "Glucose [Moles/volume] in Blood") },
        };

        var results = Assert.Single(Read(Message, mapping).Messages).Results;

        Assert.Equal(new CodedConcept("LN", "15074-8", "Glucose [Moles/volume] in Blood"), results[0].Concept);
        Assert.Null(results[1].Concept);
    }

    [Fact]
    public void A_message_split_across_frames_at_any_byte_reads_the_same()
    {
        var expected = Read(Message);
        var bytes = Encoding.Latin1.GetBytes(Message);
        var time = new FakeTimeProvider();
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var handler = new RecordingHandler();
            using var receiver = new AstmReceiver(new AstmLinkOptions(), handler, time);
            receiver.Receive([AstmControl.Enq]);
            receiver.Receive(AstmFrame.Build(1, bytes.AsSpan(0, cut), isLast: false));
            receiver.Receive(AstmFrame.Build(2, bytes.AsSpan(cut), isLast: true));

            var joined = Assert.Single(handler.Messages).Text;
            var outcome = new AstmResultReader(FieldMapping.AstmDefault, null, Encoding.Latin1).Read(joined);
            Assert.Equal(expected.Messages[0].Results, outcome.Messages[0].Results);
        }
    }

    [Fact]
    public void Latin1_text_is_decoded_by_byte()
    {
        var message = Assert.Single(Read("H|\\^&\rR|1|^^^GLU|5,4|\u00B5mol/L\rL|1\r").Messages);

        Assert.Equal("\u00B5mol/L", Assert.Single(message.Results).Units);
    }
}
