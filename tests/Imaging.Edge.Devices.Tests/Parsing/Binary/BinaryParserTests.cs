using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Tests.Parsing.Records;

namespace Imaging.Edge.Devices.Tests.Parsing.Binary;

public sealed class BinaryParserTests
{
    private static DeviceMessage Read(params byte[] frame) =>
        Assert.Single(MessageParsers.Create(RecordProfiles.Load(RecordProfiles.Monitor)).Read(frame).Messages);

    [Fact]
    public void Reads_heart_rate_spo2_and_a_signed_little_endian_scaled_temperature()
    {
        // tag 01, HR 0x0048 = 72 big-endian, SpO2 0x62 = 98, temperature 0x016F = 367 little-endian, scale 1 = 36.7
        var message = Read(0x01, 0x00, 0x48, 0x62, 0x6F, 0x01);

        Assert.Empty(message.Problems);
        Assert.Equal([("HR", "72", "/min"), ("SPO2", "98", "%"), ("TEMP", "36.7", "Cel")], message.Results.Select(r => (r.TestCode, r.Value, r.Units!)));
        Assert.Equal(new CodedConcept("LN", "8867-4", "Heart rate"), message.Results[0].Concept);
        Assert.All(message.Results, r => Assert.Null(r.Eye));
    }

    [Fact]
    public void A_signed_field_reads_twos_complement()
    {
        var message = Read(0x01, 0x00, 0x48, 0x62, 0xFB, 0xFF); // 0xFFFB = -5, scale 1

        Assert.Equal("-0.5", message.Results[2].Value);
    }

    [Fact]
    public void A_frame_shorter_than_its_fields_names_the_frame_kind_field_and_sizes()
    {
        var message = Read(0x01, 0x00, 0x48, 0x62, 0x6F);

        Assert.Equal(["HR", "SPO2"], message.Results.Select(r => r.TestCode));
        Assert.Equal(["frame (vitals) field 'temperature': needs bytes 5 to 6; the frame has 5"], message.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_frame_of_no_known_kind_is_ignored_with_a_problem()
    {
        var message = Read(0x02, 0x00, 0x48, 0x62, 0x6F, 0x01);

        Assert.Empty(message.Results);
        Assert.Equal(["frame: no record kind has its tag (6 bytes); ignored"], message.Problems.Select(p => p.ToString()));
    }
}
