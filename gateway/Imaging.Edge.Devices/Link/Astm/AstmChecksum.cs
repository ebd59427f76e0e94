namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>
/// LIS01-A2 §8.3.3: the checksum is the sum of every byte from the frame number through the ETB or ETX inclusive,
/// modulo 256, sent as two upper-case hexadecimal ASCII characters (most significant first). Bytes of 0x80 and above
/// count with their full 8-bit value (an 8-bit text encoding is common), never sign-extended.
/// </summary>
internal static class AstmChecksum
{
    private const string HexDigits = "0123456789ABCDEF";

    /// <summary>The modulo-256 sum of <paramref name="covered"/> (FN through ETB/ETX).</summary>
    public static byte Compute(ReadOnlySpan<byte> covered)
    {
        var sum = 0;
        foreach (var b in covered)
            sum += b;
        return (byte)sum;
    }

    public static byte High(byte checksum) => (byte)HexDigits[checksum >> 4];

    public static byte Low(byte checksum) => (byte)HexDigits[checksum & 0x0F];

    /// <summary>Reads the two checksum characters; only upper-case hex is valid (§8.3.3).</summary>
    public static bool TryRead(byte high, byte low, out byte checksum)
    {
        var h = HexDigits.IndexOf((char)high);
        var l = HexDigits.IndexOf((char)low);
        checksum = (byte)((Math.Max(h, 0) << 4) | Math.Max(l, 0));
        return h >= 0 && l >= 0;
    }
}
