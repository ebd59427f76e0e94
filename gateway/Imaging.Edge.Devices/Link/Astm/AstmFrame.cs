namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>
/// One frame of LIS01-A2 §8.3.1:
/// <code>
///   offset 0        STX
///   offset 1        FN     frame number, ASCII '0'..'7' (§8.3.2: 1 first, then modulo 8)
///   offset 2..n-6   text   no restricted characters (§8.6); records end with CR inside it
///   offset n-5      ETB (intermediate frame) or ETX (last frame of a message)
///   offset n-4,n-3  C1 C2  checksum, upper-case hex (§8.3.3)
///   offset n-2,n-1  CR LF
/// </code>
/// The whole frame, STX through LF, is at most 247 characters in the legacy standard (240 of text + 7) and 64,000 in
/// LIS01-A2; the profile chooses (<see cref="AstmLinkOptions.MaxFrameSize"/>).
/// </summary>
/// <param name="Number">The frame number, 0..7.</param>
/// <param name="Text">The text between FN and ETB/ETX.</param>
/// <param name="IsLast">ETX (the last frame of a message) rather than ETB.</param>
internal sealed record AstmFrame(int Number, byte[] Text, bool IsLast)
{
    /// <summary>STX, FN, ETB/ETX, C1, C2, CR, LF.</summary>
    public const int Overhead = 7;
    private const int NumberOffset = 1;
    private const int TextOffset = 2;
    /// <summary>Counted from the end: ETB/ETX is 5th from last, then C1 C2 CR LF.</summary>
    private const int TerminatorFromEnd = 5;

    /// <summary>
    /// Checks one complete frame (STX through LF). Pure: does not throw; an invalid frame gives its reason
    /// (which the receiver answers with NAK, §8.5.1.2).
    /// </summary>
    public static AstmFrameCheck Check(ReadOnlySpan<byte> frame, out AstmFrame? parsed)
    {
        parsed = null;
        if (frame.Length < Overhead || frame[0] != AstmControl.Stx || frame[^2] != AstmControl.Cr || frame[^1] != AstmControl.Lf)
            return AstmFrameCheck.Malformed;
        var terminator = frame[^TerminatorFromEnd];
        if (terminator != AstmControl.Etb && terminator != AstmControl.Etx)
            return AstmFrameCheck.Malformed;
        var fn = frame[NumberOffset];
        if (fn < (byte)'0' || fn > (byte)'7')
            return AstmFrameCheck.BadFrameNumber;
        var text = frame[TextOffset..^TerminatorFromEnd];
        foreach (var b in text)
        {
            if (AstmControl.IsRestricted(b))
                return AstmFrameCheck.RestrictedCharacter;
        }
        if (!AstmChecksum.TryRead(frame[^4], frame[^3], out var sent))
            return AstmFrameCheck.BadChecksum;
        if (AstmChecksum.Compute(frame[NumberOffset..^(TerminatorFromEnd - 1)]) != sent)
            return AstmFrameCheck.BadChecksum;
        parsed = new AstmFrame(fn - '0', text.ToArray(), terminator == AstmControl.Etx);
        return AstmFrameCheck.Valid;
    }

    /// <summary>The frame's bytes on the wire, checksum computed.</summary>
    public static byte[] Build(int number, ReadOnlySpan<byte> text, bool isLast)
    {
        var frame = new byte[text.Length + Overhead];
        frame[0] = AstmControl.Stx;
        frame[NumberOffset] = (byte)('0' + number % 8);
        text.CopyTo(frame.AsSpan(TextOffset));
        frame[^TerminatorFromEnd] = isLast ? AstmControl.Etx : AstmControl.Etb;
        var checksum = AstmChecksum.Compute(frame.AsSpan(NumberOffset, text.Length + 2));
        frame[^4] = AstmChecksum.High(checksum);
        frame[^3] = AstmChecksum.Low(checksum);
        frame[^2] = AstmControl.Cr;
        frame[^1] = AstmControl.Lf;
        return frame;
    }
}

/// <summary>What <see cref="AstmFrame.Check"/> found.</summary>
internal enum AstmFrameCheck
{
    Valid,
    Malformed,
    BadFrameNumber,
    RestrictedCharacter,
    BadChecksum,
}
