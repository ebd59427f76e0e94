namespace Imaging.Edge.Devices.Link.Checks;

/// <summary>
/// One frame check, computed incrementally over the pieces a profile says it covers (start byte, text, end byte):
/// <c>Begin</c>, <c>Add</c> each piece, <c>End</c>. Pure; bytes of 0x80 and above count by their byte value.
/// </summary>
internal sealed class Checksum
{
    private readonly Crc16? _crc;

    private Checksum(ChecksumKind kind, Crc16? crc)
    {
        Kind = kind;
        _crc = crc;
    }

    public ChecksumKind Kind { get; }

    /// <summary>Bytes of the check value: 1 for the 8-bit sums, 2 for a CRC-16.</summary>
    public int Width => _crc is null ? 1 : 2;

    public static Checksum Of(ChecksumKind kind) => kind switch
    {
        ChecksumKind.Sum8 or ChecksumKind.Xor8 => new Checksum(kind, null),
        ChecksumKind.Crc16Arc => new Checksum(kind, Crc16.Arc),
        ChecksumKind.Crc16CcittFalse => new Checksum(kind, Crc16.CcittFalse),
        ChecksumKind.Crc16Xmodem => new Checksum(kind, Crc16.Xmodem),
        ChecksumKind.Crc16Kermit => new Checksum(kind, Crc16.Kermit),
        ChecksumKind.Crc16X25 => new Checksum(kind, Crc16.X25),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown checksum"),
    };

    public uint Begin() => _crc?.Init ?? 0;

    public uint Add(uint state, ReadOnlySpan<byte> bytes)
    {
        if (_crc is not null)
            return _crc.Add(state, bytes);
        foreach (var b in bytes)
            state = Kind == ChecksumKind.Sum8 ? (state + b) & 0xFF : state ^ b;
        return state;
    }

    public ushort End(uint state) => _crc is null ? (ushort)state : _crc.End(state);

    /// <summary>The check of <paramref name="bytes"/> in one piece.</summary>
    public ushort Compute(ReadOnlySpan<byte> bytes) => End(Add(Begin(), bytes));
}
