using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link.Checks;

/// <summary>A <see cref="Checksum"/> as it is written in a frame: hex text or binary, in a byte order.</summary>
internal sealed record FrameCheck(Checksum Checksum, ChecksumEncoding Encoding, ByteOrder Order)
{
    private const string HexDigits = "0123456789ABCDEF";

    /// <summary>How many bytes the check occupies in the frame.</summary>
    public int Length => Encoding == ChecksumEncoding.Hex ? 2 * Checksum.Width : Checksum.Width;

    /// <summary>The check value as sent: hex text is always most significant first, binary in <see cref="Order"/>.</summary>
    public byte[] Encode(ushort value)
    {
        if (Encoding == ChecksumEncoding.Binary)
            return ByteOrders.Write(value, Checksum.Width, Order);
        var text = new byte[Length];
        for (var i = 0; i < text.Length; i++)
            text[i] = (byte)HexDigits[(value >> (4 * (text.Length - 1 - i))) & 0xF];
        return text;
    }

    /// <summary>Reads a check value; false for hex text that is not upper-case hexadecimal, or a wrong length.</summary>
    public bool TryDecode(ReadOnlySpan<byte> sent, out ushort value)
    {
        value = 0;
        if (sent.Length != Length)
            return false;
        if (Encoding == ChecksumEncoding.Binary)
        {
            value = (ushort)ByteOrders.Read(sent, Order);
            return true;
        }
        var result = 0;
        foreach (var b in sent)
        {
            var digit = HexDigits.IndexOf((char)b);
            if (digit < 0)
                return false;
            result = (result << 4) | digit;
        }
        value = (ushort)result;
        return true;
    }
}
