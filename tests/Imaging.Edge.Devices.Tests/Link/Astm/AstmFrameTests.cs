using Imaging.Edge.Devices.Link.Astm;

namespace Imaging.Edge.Devices.Tests.Link.Astm;

public sealed class AstmFrameTests
{
    [Fact]
    public void Checksum_sums_FN_through_ETX_modulo_256_as_upper_case_hex()
    {
        // '1' 0x31 + 'A' 0x41 + 0xE9 + ETX 0x03 = 0x15E -> 0x5E. The 0xE9 byte (é in Latin-1) counts as its byte value.
        var frame = AstmFrame.Build(1, [(byte)'A', 0xE9], isLast: true);

        Assert.Equal(new byte[] { 0x02, 0x31, 0x41, 0xE9, 0x03, (byte)'5', (byte)'E', 0x0D, 0x0A }, frame);
        Assert.Equal(frame, Bytes.Frame(1, "A\u00E9", last: true));
    }

    [Fact]
    public void Checksum_is_upper_case_only()
    {
        var frame = Bytes.Frame(1, "A\u00E9", last: true);
        frame[6] = (byte)'e';

        Assert.Equal(AstmFrameCheck.BadChecksum, AstmFrame.Check(frame, out _));
    }

    [Fact]
    public void Reads_a_built_frame_back()
    {
        var frame = Bytes.Frame(7, "R|1|^^^GLU|5.4|mmol/L\r", last: false);

        Assert.Equal(AstmFrameCheck.Valid, AstmFrame.Check(frame, out var parsed));
        Assert.Equal(7, parsed!.Number);
        Assert.False(parsed.IsLast);
        Assert.Equal(Bytes.Latin1("R|1|^^^GLU|5.4|mmol/L\r"), parsed.Text);
    }

    [Fact]
    public void Every_prefix_of_a_frame_is_rejected_without_an_exception()
    {
        var frame = Bytes.Frame(3, "H|\\^&|||X\r", last: true);
        for (var length = 0; length < frame.Length; length++)
            Assert.NotEqual(AstmFrameCheck.Valid, AstmFrame.Check(frame.AsSpan(0, length), out _));
    }

    [Theory]
    [InlineData(AstmControl.Stx)]
    [InlineData(AstmControl.Enq)]
    [InlineData(AstmControl.Lf)]
    [InlineData(AstmControl.Dc1)]
    public void Restricted_character_in_text_is_refused(byte restricted)
    {
        var text = Bytes.Latin1("O|1|S1");
        text[2] = restricted;
        var frame = AstmFrame.Build(1, text, isLast: true);

        Assert.Equal(AstmFrameCheck.RestrictedCharacter, AstmFrame.Check(frame, out _));
    }

    [Fact]
    public void Frame_number_must_be_a_digit_0_to_7()
    {
        var frame = AstmFrame.Build(1, Bytes.Latin1("L|1"), isLast: true);
        frame[1] = (byte)'8';

        Assert.Equal(AstmFrameCheck.BadFrameNumber, AstmFrame.Check(frame, out _));
    }
}
