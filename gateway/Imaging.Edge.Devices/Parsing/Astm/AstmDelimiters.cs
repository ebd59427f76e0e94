namespace Imaging.Edge.Devices.Parsing.Astm;

/// <summary>
/// The four delimiters of an E1394 (LIS2-A2) message, declared by its header record, §7.1.2 / §6.6: the character
/// right after <c>H</c> is the field delimiter, then the repeat, component and escape delimiters
/// (<c>H|\^&amp;</c> is usual, <c>H|\!~</c> and others occur). They are read fresh from every header: one device may
/// change them between messages.
/// </summary>
internal sealed record AstmDelimiters(char Field, char Repeat, char Component, char Escape)
{
    /// <summary>Offsets in the header record: <c>H</c>, then field, repeat, component, escape (§7.1.2).</summary>
    private const int FieldOffset = 1;
    private const int RepeatOffset = 2;
    private const int ComponentOffset = 3;
    private const int EscapeOffset = 4;
    private const int DeclarationLength = 5;

    /// <summary>
    /// Reads the delimiters from a header record. They must be four different characters, none a letter, digit,
    /// space or CR (§6.6); otherwise the header is not usable and false is returned.
    /// </summary>
    public static bool TryRead(string header, out AstmDelimiters delimiters)
    {
        delimiters = new AstmDelimiters('|', '\\', '^', '&');
        if (header.Length < DeclarationLength || header[0] != 'H')
            return false;
        var chars = new[] { header[FieldOffset], header[RepeatOffset], header[ComponentOffset], header[EscapeOffset] };
        if (chars.Distinct().Count() != chars.Length || chars.Any(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '\r' or '\n'))
            return false;
        delimiters = new AstmDelimiters(chars[0], chars[1], chars[2], chars[3]);
        return true;
    }
}
