namespace Imaging.Edge.Devices.Parsing.Astm;

/// <summary>
/// One E1394 record: its type letter (§7: H header, P patient, O order, R result, C comment, M manufacturer,
/// Q request, L terminator) and its fields as sent, still escaped. Fields are numbered as in the standard: field 1
/// is the type itself (<c>R</c>), field 2 the sequence number, and so on; for the header, field 2 is the delimiter
/// declaration. Trailing empty fields may be omitted by the sender (§6.5.5): a field past the end is empty.
/// </summary>
internal sealed class AstmRecord
{
    private readonly string[] _fields;

    public AstmRecord(string text, AstmDelimiters delimiters, int index)
    {
        Delimiters = delimiters;
        Index = index;
        Type = text.Length > 0 ? char.ToUpperInvariant(text[0]) : '\0';
        _fields = Type == 'H' && text.Length >= 5
            // The declaration itself contains the other delimiters: it is field 2 whole, not split (§7.1.2).
            ? ["H", text[2..5], .. text[5..].Split(delimiters.Field).Skip(1)]
            : text.Split(delimiters.Field);
    }

    public char Type { get; }

    /// <summary>The record's position in its message, from 1 (for problems that must not quote content).</summary>
    public int Index { get; }

    public AstmDelimiters Delimiters { get; }

    /// <summary>The number of fields sent (trailing empty fields may have been left out).</summary>
    public int FieldCount => _fields.Length;

    /// <summary>
    /// Field <paramref name="field"/> (1-based), first repeat, component <paramref name="component"/> (1-based; 0 =
    /// the whole repeat), unescaped; null when the record ends before it, empty text when it was sent empty.
    /// </summary>
    public string? Get(int field, int component = 0)
    {
        if (field < 1 || field > _fields.Length)
            return null;
        var raw = _fields[field - 1];
        if (Type == 'H' && field == 2)
            return raw; // the delimiter declaration is never unescaped or split
        var repeat = raw.Split(Delimiters.Repeat)[0];
        if (component <= 0)
            return AstmEscape.Unescape(repeat, Delimiters);
        var components = repeat.Split(Delimiters.Component);
        return component <= components.Length ? AstmEscape.Unescape(components[component - 1], Delimiters) : null;
    }
}
