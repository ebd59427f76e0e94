namespace Imaging.Edge.Devices.Link.Checks;

/// <summary>
/// A CRC-16 in the Rocksoft/reveng parameter model (width 16, poly, init, refin = refout, xorout), bit by bit: the
/// frames are short and a table is not worth its code. A reflected CRC shifts right with the reversed polynomial.
/// </summary>
internal sealed class Crc16
{
    public static readonly Crc16 Arc = new(0x8005, 0x0000, reflected: true, 0x0000);
    public static readonly Crc16 CcittFalse = new(0x1021, 0xFFFF, reflected: false, 0x0000);
    public static readonly Crc16 Xmodem = new(0x1021, 0x0000, reflected: false, 0x0000);
    public static readonly Crc16 Kermit = new(0x1021, 0x0000, reflected: true, 0x0000);
    /// <summary>RFC 1662 FCS-16 (PPP, HDLC): sent least significant byte first, after the data.</summary>
    public static readonly Crc16 X25 = new(0x1021, 0xFFFF, reflected: true, 0xFFFF);

    /// <summary>
    /// RFC 1662 §C.2: the FCS-16 register run over a frame's data and its own FCS (least significant byte first),
    /// without the final complement, ends at this constant ("good FCS") when nothing was damaged.
    /// </summary>
    public const ushort GoodFcs16 = 0xF0B8;

    private readonly ushort _poly;
    private readonly bool _reflected;
    private readonly ushort _xorOut;

    private Crc16(ushort poly, ushort init, bool reflected, ushort xorOut)
    {
        _poly = reflected ? Reverse(poly) : poly;
        Init = init;
        _reflected = reflected;
        _xorOut = xorOut;
    }

    public uint Init { get; }

    /// <summary>The register after <paramref name="bytes"/>, before the final xor.</summary>
    public uint Add(uint state, ReadOnlySpan<byte> bytes)
    {
        var crc = (ushort)state;
        foreach (var b in bytes)
        {
            if (_reflected)
            {
                crc ^= b;
                for (var i = 0; i < 8; i++)
                    crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ _poly) : (ushort)(crc >> 1);
            }
            else
            {
                crc ^= (ushort)(b << 8);
                for (var i = 0; i < 8; i++)
                    crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ _poly) : (ushort)(crc << 1);
            }
        }
        return crc;
    }

    public ushort End(uint state) => (ushort)(state ^ _xorOut);

    private static ushort Reverse(ushort value)
    {
        ushort reversed = 0;
        for (var i = 0; i < 16; i++)
            reversed |= (ushort)(((value >> i) & 1) << (15 - i));
        return reversed;
    }
}
