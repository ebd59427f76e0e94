namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>
/// The transmission control characters of CLSI LIS01-A2 (ASTM E1381), §6.1 and §8.
/// "Restricted characters" (§8.6): the text of a frame must not contain SOH, STX, ETX, EOT, ENQ, ACK, DLE, NAK,
/// SYN, ETB, LF, DC1-DC4.
/// </summary>
internal static class AstmControl
{
    public const byte Soh = 0x01;
    /// <summary>Start of a frame (§8.3.1).</summary>
    public const byte Stx = 0x02;
    /// <summary>End of the last frame of a message (§8.3.1).</summary>
    public const byte Etx = 0x03;
    /// <summary>End of transmission: ends the transfer phase (§8.2.5), or, sent by the receiver, asks the sender to stop (§8.3.5).</summary>
    public const byte Eot = 0x04;
    /// <summary>Enquiry: the sender asks for the line (§8.2.2).</summary>
    public const byte Enq = 0x05;
    public const byte Ack = 0x06;
    public const byte Dle = 0x10;
    public const byte Dc1 = 0x11;
    public const byte Dc4 = 0x14;
    public const byte Nak = 0x15;
    public const byte Syn = 0x16;
    /// <summary>End of an intermediate frame (§8.3.1).</summary>
    public const byte Etb = 0x17;
    public const byte Cr = 0x0D;
    public const byte Lf = 0x0A;

    /// <summary>True for a character that may not appear in a frame's text (§8.6).</summary>
    public static bool IsRestricted(byte b) => b switch
    {
        Soh or Stx or Etx or Eot or Enq or Ack or Dle or Nak or Syn or Etb or Lf => true,
        >= Dc1 and <= Dc4 => true,
        _ => false,
    };
}
