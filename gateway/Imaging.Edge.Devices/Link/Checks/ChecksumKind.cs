namespace Imaging.Edge.Devices.Link.Checks;

/// <summary>
/// The frame checks a profile can name (<c>link.checksum.kind</c>). The CRC-16 variants are those of the reveng
/// catalogue ("Catalogue of parametrised CRC algorithms"), each with its published check value over "123456789".
/// </summary>
internal enum ChecksumKind
{
    /// <summary>Sum of the bytes modulo 256 (the ASTM E1381 checksum).</summary>
    Sum8,
    /// <summary>Exclusive or of the bytes (a longitudinal redundancy check).</summary>
    Xor8,
    /// <summary>CRC-16/ARC: poly 0x8005, init 0, reflected, xorout 0; check 0xBB3D.</summary>
    Crc16Arc,
    /// <summary>CRC-16/CCITT-FALSE (IBM-3740): poly 0x1021, init 0xFFFF, not reflected, xorout 0; check 0x29B1.</summary>
    Crc16CcittFalse,
    /// <summary>CRC-16/XMODEM: poly 0x1021, init 0, not reflected, xorout 0; check 0x31C3.</summary>
    Crc16Xmodem,
    /// <summary>CRC-16/KERMIT (CCITT-TRUE): poly 0x1021, init 0, reflected, xorout 0; check 0x2189.</summary>
    Crc16Kermit,
    /// <summary>CRC-16/X-25, the PPP FCS-16 of RFC 1662: poly 0x1021, init 0xFFFF, reflected, xorout 0xFFFF; check 0x906E.</summary>
    Crc16X25,
}
