using System.Diagnostics.CodeAnalysis;

namespace Imaging.Edge.Devices.Parsing;

/// <summary>
/// Where a value is read in a record-oriented message: <c>R.4</c> is field 4 of the result record, <c>R.3.4</c>
/// component 4 of field 3 (E1394 numbering: field 1 is the record type). The record type says which record of the
/// message is read: the result itself, or the patient / order record it belongs to.
/// </summary>
internal sealed record FieldReference(char RecordType, int Field, int Component)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out FieldReference? reference)
    {
        reference = null;
        if (string.IsNullOrEmpty(text))
            return false;
        var parts = text.Split('.');
        if (parts.Length is < 2 or > 3 || parts[0].Length != 1 || !char.IsAsciiLetterUpper(parts[0][0]))
            return false;
        if (!int.TryParse(parts[1], out var field) || field < 1 || field > 999)
            return false;
        var component = 0;
        if (parts.Length == 3 && (!int.TryParse(parts[2], out component) || component < 1 || component > 999))
            return false;
        reference = new FieldReference(parts[0][0], field, component);
        return true;
    }

    public override string ToString() => Component > 0 ? $"{RecordType}.{Field}.{Component}" : $"{RecordType}.{Field}";
}
