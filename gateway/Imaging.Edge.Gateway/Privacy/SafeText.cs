using System.Text;
using System.Text.RegularExpressions;

namespace Imaging.Edge.Gateway.Privacy;

/// <summary>
/// Text from the wire (AE titles, UIDs, exception texts that quote them) made safe to show: in a terminal or a log
/// (<see cref="Printable"/>: no control characters that could move the cursor, forge a log line or recolour a
/// screen), and for operations off the box (<see cref="ForOps"/>: also no UIDs and no file paths, which carry UIDs).
/// </summary>
internal static partial class SafeText
{
    /// <summary>Control characters (C0, DEL, C1) become <c>\xNN</c> escapes; everything else is kept.</summary>
    public static string Printable(string text)
    {
        if (!text.Any(IsControl)) return text;
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (IsControl(c)) builder.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Null stays null; otherwise <see cref="Printable(string)"/>.</summary>
    public static string? PrintableOrNull(string? text) => text is null ? null : Printable(text);

    /// <summary>
    /// For a log line on its way to MQTT: printable, with every UID-like token replaced by <c>[uid]</c> and every
    /// absolute path by <c>[path]</c>. Our templates never put either there; this holds when an exception's text
    /// or a future template does (some vendors derive UIDs from the MRN or accession number).
    /// </summary>
    public static string ForOps(string text) => Uid().Replace(AbsolutePath().Replace(Printable(text), "[path]"), "[uid]");

    private static bool IsControl(char c) => c < 0x20 || c is >= '\x7F' and <= '\x9F';

    // A DICOM UID: five or more numeric components (an IPv4 address has four and stays), or any dotted numeric token
    // with a component of ten digits or more (2.25.<128-bit decimal> UUID-derived UIDs have only three).
    [GeneratedRegex(@"(?<![\w.])(?:\d+(?:\.\d+){4,}|\d+(?:\.\d+)*\.\d{10,}(?:\.\d+)*)(?![\w])")]
    private static partial Regex Uid();

    // An absolute path: a '/' that starts a token (not the '//' of a URL or the '/' of "bytes/s"), up to white space or a quote.
    [GeneratedRegex(@"(?<![\w:/.])/[^\s'""]+")]
    private static partial Regex AbsolutePath();
}
