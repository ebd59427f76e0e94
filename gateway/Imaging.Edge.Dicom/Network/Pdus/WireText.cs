using System.Text;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>Text fields of the upper layer: AE titles (PS3.8 §9.3.2, PS3.5 AE VR) and UIDs (PS3.8 Annex F, PS3.5 §9.1).</summary>
internal static class WireText
{
    /// <summary>AE titles occupy 16 bytes, space-padded (PS3.8 §9.3.2, Table 9-11).</summary>
    public const int AeTitleLength = 16;

    /// <summary>Latin-1 keeps every byte as one char, so nothing read is silently replaced.</summary>
    public static string ReadAeTitle(ReadOnlySpan<byte> field) => Encoding.Latin1.GetString(field).Trim(' ', '\0');

    /// <summary>Reads a UID; a trailing NUL (or space) pad is removed.</summary>
    public static string ReadUid(ReadOnlySpan<byte> field) => Encoding.Latin1.GetString(field).TrimEnd('\0', ' ');

    /// <summary>Reads a short text such as the implementation version name (PS3.7 D.3.3.2.3).</summary>
    public static string ReadText(ReadOnlySpan<byte> field) => Encoding.Latin1.GetString(field).TrimEnd('\0', ' ');

    /// <summary>
    /// True for a title we can answer with: 1–16 characters of the default repertoire without control characters or
    /// backslash (PS3.5 AE VR). A request naming another is refused before an A-ASSOCIATE-AC would echo it.
    /// </summary>
    public static bool IsValidAeTitle(string aeTitle) =>
        !string.IsNullOrWhiteSpace(aeTitle) && aeTitle.Length <= AeTitleLength && aeTitle.All(IsAeCharacter);

    private static bool IsAeCharacter(char c) => c is >= ' ' and <= '~' and not '\\';

    /// <summary>Writes 16 bytes, the title left-aligned and padded with spaces.</summary>
    /// <exception cref="ArgumentException">The title is empty, longer than 16 characters, or has characters outside printable ASCII or a backslash.</exception>
    public static void WriteAeTitle(Span<byte> field, string aeTitle, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(aeTitle, parameterName);
        if (string.IsNullOrWhiteSpace(aeTitle))
        {
            throw new ArgumentException("An AE title must not be empty.", parameterName);
        }

        if (aeTitle.Length > AeTitleLength)
        {
            throw new ArgumentException($"An AE title has at most {AeTitleLength} characters; got {aeTitle.Length}.", parameterName);
        }

        if (!aeTitle.All(IsAeCharacter))
        {
            throw new ArgumentException("An AE title has only printable ASCII characters other than backslash.", parameterName);
        }

        field[..AeTitleLength].Fill((byte)' ');
        Encoding.ASCII.GetBytes(aeTitle, field);
    }

    /// <summary>Returns the ASCII bytes of a UID or short text, unpadded.</summary>
    /// <exception cref="ArgumentException">The text has non-ASCII characters.</exception>
    public static byte[] ToAscii(string text, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(text, parameterName);
        foreach (char c in text)
        {
            if (c > 0x7E)
            {
                throw new ArgumentException("Upper-layer text fields are ASCII.", parameterName);
            }
        }

        return Encoding.ASCII.GetBytes(text);
    }
}
