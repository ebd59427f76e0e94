namespace Imaging.Edge.Dicom.Data.Writing;

/// <summary>The value representations of PS3.5 Table 6.2-1 that <see cref="DataSetWriter"/> writes; the name is the two-letter code.</summary>
public enum DicomVr
{
    AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN,
    UR, US, UT, UV,
}

/// <summary>How each VR is encoded in explicit VR little endian (PS3.5 §6.2, §7.1.2).</summary>
internal static class DicomVrRules
{
    /// <summary>The two ASCII bytes of the VR code.</summary>
    public static (byte First, byte Second) Code(this DicomVr vr)
    {
        string name = vr.ToString();
        return ((byte)name[0], (byte)name[1]);
    }

    /// <summary>
    /// True for the VRs whose header is tag, VR, two reserved bytes and a 32-bit length (PS3.5 Table 7.1-1):
    /// OB, OD, OF, OL, OV, OW, SQ, SV, UC, UN, UR, UT, UV. The others have a 16-bit length.
    /// </summary>
    public static bool HasLongLength(this DicomVr vr)
    {
        var (first, second) = vr.Code();
        return ValueRepresentations.HasLongLength(first, second);
    }

    /// <summary>Character string VRs: padded to even length with a space (UI with NUL, PS3.5 §6.2).</summary>
    public static bool IsText(this DicomVr vr) => vr is DicomVr.AE or DicomVr.AS or DicomVr.CS or DicomVr.DA or DicomVr.DS
        or DicomVr.DT or DicomVr.IS or DicomVr.LO or DicomVr.LT or DicomVr.PN or DicomVr.SH or DicomVr.ST or DicomVr.TM
        or DicomVr.UC or DicomVr.UR or DicomVr.UT or DicomVr.UI;

    /// <summary>Text VRs whose value may hold characters beyond ASCII under Specific Character Set (0008,0005).</summary>
    public static bool AllowsExtendedCharacters(this DicomVr vr) =>
        vr is DicomVr.LO or DicomVr.LT or DicomVr.PN or DicomVr.SH or DicomVr.ST or DicomVr.UC or DicomVr.UT;

    /// <summary>Text VRs where a backslash is an ordinary character rather than the value separator.</summary>
    public static bool IsSingleValued(this DicomVr vr) => vr is DicomVr.LT or DicomVr.ST or DicomVr.UT or DicomVr.UR;

    /// <summary>The longest single value in characters (PS3.5 Table 6.2-1), or null when only the length field bounds it.</summary>
    public static int? MaxCharacters(this DicomVr vr) => vr switch
    {
        DicomVr.AE => 16,
        DicomVr.AS => 4,
        DicomVr.CS => 16,
        DicomVr.DA => 8,
        DicomVr.DS => 16,
        DicomVr.DT => 26,
        DicomVr.IS => 12,
        DicomVr.LO => 64,
        DicomVr.LT => 10240,
        DicomVr.PN => 3 * 64 + 2,
        DicomVr.SH => 16,
        DicomVr.ST => 1024,
        DicomVr.TM => 16,
        DicomVr.UI => 64,
        _ => null,
    };
}
