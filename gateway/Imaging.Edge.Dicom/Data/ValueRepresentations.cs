namespace Imaging.Edge.Dicom.Data;

/// <summary>The two-letter VR codes of PS3.5 §6.2 and their explicit-VR header form (PS3.5 §7.1.2).</summary>
internal static class ValueRepresentations
{
    private static ushort Code(char a, char b) => (ushort)((a << 8) | b);

    /// <summary>True when the code is a VR of PS3.5 Table 6.2-1.</summary>
    public static bool IsKnown(byte first, byte second) => Code((char)first, (char)second) switch
    {
        var c when c == Code('A', 'E') || c == Code('A', 'S') || c == Code('A', 'T') || c == Code('C', 'S') ||
                   c == Code('D', 'A') || c == Code('D', 'S') || c == Code('D', 'T') || c == Code('F', 'L') ||
                   c == Code('F', 'D') || c == Code('I', 'S') || c == Code('L', 'O') || c == Code('L', 'T') ||
                   c == Code('P', 'N') || c == Code('S', 'H') || c == Code('S', 'L') || c == Code('S', 'S') ||
                   c == Code('S', 'T') || c == Code('T', 'M') || c == Code('U', 'I') || c == Code('U', 'L') ||
                   c == Code('U', 'S') => true,
        _ => HasLongLength(first, second),
    };

    /// <summary>
    /// VRs whose explicit header is tag, VR, two reserved bytes and a 32-bit length (PS3.5 Table 7.1-1):
    /// OB, OD, OF, OL, OV, OW, SQ, SV, UC, UN, UR, UT, UV.
    /// </summary>
    public static bool HasLongLength(byte first, byte second) => (char)first switch
    {
        'O' => second is (byte)'B' or (byte)'D' or (byte)'F' or (byte)'L' or (byte)'V' or (byte)'W',
        'S' => second is (byte)'Q' or (byte)'V',
        'U' => second is (byte)'C' or (byte)'N' or (byte)'R' or (byte)'T' or (byte)'V',
        _ => false,
    };

    public static bool IsSequence(byte first, byte second) => first == 'S' && second == 'Q';

    public static bool IsUnknown(byte first, byte second) => first == 'U' && second == 'N';
}
