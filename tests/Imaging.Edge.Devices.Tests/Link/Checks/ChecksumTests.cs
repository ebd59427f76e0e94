using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Checks;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Tests.Link.Checks;

public sealed class ChecksumTests
{
    private static readonly byte[] CheckInput = "123456789"u8.ToArray();

    /// <summary>The published check values of the reveng CRC catalogue, and the 8-bit sums worked out by hand.</summary>
    [Theory]
    [InlineData("Crc16Arc", 0xBB3D)]
    [InlineData("Crc16CcittFalse", 0x29B1)]
    [InlineData("Crc16Xmodem", 0x31C3)]
    [InlineData("Crc16Kermit", 0x2189)]
    [InlineData("Crc16X25", 0x906E)]
    [InlineData("Sum8", 0xDD)] // 0x31 + … + 0x39 = 477 = 0x1DD
    [InlineData("Xor8", 0x31)] // 1^2^…^9 over 0x31..0x39: 0x30 nine times (0x30) xor 1..9 (0x01)
    public void Check_value_of_123456789_is_the_published_one(string kind, int expected)
    {
        Assert.Equal(expected, Checksum.Of(Enum.Parse<ChecksumKind>(kind)).Compute(CheckInput));
    }

    [Fact]
    public void Computed_in_pieces_equals_computed_at_once()
    {
        foreach (var kind in Enum.GetValues<ChecksumKind>())
        {
            var checksum = Checksum.Of(kind);
            var state = checksum.Add(checksum.Add(checksum.Begin(), CheckInput.AsSpan(0, 4)), CheckInput.AsSpan(4));
            Assert.Equal(checksum.Compute(CheckInput), checksum.End(state));
        }
    }

    [Fact]
    public void Bytes_above_0x7f_count_by_their_byte_value()
    {
        Assert.Equal(0x7F, Checksum.Of(ChecksumKind.Sum8).Compute([0x80, 0xFF])); // 0x17F modulo 256
    }

    [Fact]
    public void Fcs16_over_data_and_its_own_fcs_sent_little_endian_is_the_good_fcs_constant()
    {
        // RFC 1662 §C.2: the receiver's check.
        var fcs = Checksum.Of(ChecksumKind.Crc16X25).Compute(CheckInput);
        byte[] frame = [.. CheckInput, (byte)fcs, (byte)(fcs >> 8)];

        Assert.Equal(Crc16.GoodFcs16, Crc16.X25.Add(Crc16.X25.Init, frame));
        frame[3] ^= 0x01;
        Assert.NotEqual(Crc16.GoodFcs16, Crc16.X25.Add(Crc16.X25.Init, frame));
    }

    [Fact]
    public void Hex_is_upper_case_most_significant_first_and_lower_case_is_refused()
    {
        var check = new FrameCheck(Checksum.Of(ChecksumKind.Crc16Arc), ChecksumEncoding.Hex, ByteOrder.LittleEndian);

        Assert.Equal("BB3D"u8.ToArray(), check.Encode(0xBB3D));
        Assert.True(check.TryDecode("BB3D"u8, out var value));
        Assert.Equal(0xBB3D, value);
        Assert.False(check.TryDecode("bb3d"u8, out _));
        Assert.False(check.TryDecode("BB3"u8, out _));
    }

    [Fact]
    public void Binary_follows_the_byte_order()
    {
        var big = new FrameCheck(Checksum.Of(ChecksumKind.Crc16Xmodem), ChecksumEncoding.Binary, ByteOrder.BigEndian);
        var little = big with { Order = ByteOrder.LittleEndian };

        Assert.Equal([0x31, 0xC3], big.Encode(0x31C3));
        Assert.Equal([0xC3, 0x31], little.Encode(0x31C3));
        Assert.True(little.TryDecode([0xC3, 0x31], out var value));
        Assert.Equal(0x31C3, value);
        Assert.Equal([0xDD], new FrameCheck(Checksum.Of(ChecksumKind.Sum8), ChecksumEncoding.Binary, ByteOrder.BigEndian).Encode(0xDD));
    }
}
