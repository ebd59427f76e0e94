using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Checks;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>A frame check: which one, how it is written, where it sits and what it covers.</summary>
internal sealed record ChecksumSettings
{
    public required ChecksumKind Kind { get; init; }
    /// <summary>Hex text (default for stx-etx) or binary (the only choice for escaped-binary).</summary>
    public ChecksumEncoding? Encoding { get; init; }
    /// <summary>Byte order of a binary CRC-16: big-endian by default, little-endian for crc16-x25 (PPP).</summary>
    public ByteOrder? ByteOrder { get; init; }
    /// <summary>stx-etx: after the end byte (default, as ASTM) or just before it.</summary>
    public ChecksumPosition? Position { get; init; }
    /// <summary>stx-etx: the start byte is covered (default false).</summary>
    public bool? IncludesStart { get; init; }
    /// <summary>stx-etx, check after the end byte: the end byte is covered (default false).</summary>
    public bool? IncludesEnd { get; init; }

    /// <summary>The check as the link reads it; a binary CRC-16/X-25 (PPP FCS-16) is little-endian unless said otherwise.</summary>
    public FrameCheck ToFrameCheck(ChecksumEncoding defaultEncoding) => new(
        Link.Checks.Checksum.Of(Kind),
        Encoding ?? defaultEncoding,
        ByteOrder ?? (Kind == ChecksumKind.Crc16X25 ? Profiles.ByteOrder.LittleEndian : Profiles.ByteOrder.BigEndian));
}

internal enum ChecksumPosition { AfterEnd, BeforeEnd }
