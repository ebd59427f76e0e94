using System.Globalization;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Parsing.Records;

/// <summary>
/// Reads a text field (fixed-width slice, regex group) as its <see cref="FieldType"/> says, into the value a
/// <see cref="DeviceResult"/> carries: numbers in invariant notation (<c>+ 1.25</c> → <c>1.25</c>, <c>- 0.50</c> →
/// <c>-0.50</c>, <c>0125</c> with scale 2 → <c>1.25</c>). Pure; the reason it gives never quotes the text.
/// </summary>
internal static class FieldText
{
    private const int MaxDigits = 18; // a decimal holds 28; a device field never needs more, and it bounds the work

    public static bool TryRead(string raw, FieldDefinition field, out string value, out string? reason)
    {
        value = "";
        reason = null;
        string text = raw.Trim(' ');
        switch (field.Type ?? FieldType.Text)
        {
            case FieldType.Text:
                value = text;
                return true;
            case FieldType.Integer:
                if (!IsInteger(text))
                    return Fail("is not a whole number", out reason);
                return Scaled(decimal.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), field.Scale, out value, out reason);
            case FieldType.Decimal:
                if (!IsDecimal(text))
                    return Fail("is not a decimal number", out reason);
                return Scaled(decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture), field.Scale, out value, out reason);
            case FieldType.SignedDecimal:
                if (text.Length < 2 || text[0] is not ('+' or '-'))
                    return Fail("is not a signed number (a sign, optional spaces, digits)", out reason);
                string magnitude = text[1..].TrimStart(' ');
                if (!IsDecimal(magnitude) || magnitude[0] is '+' or '-')
                    return Fail("is not a signed number (a sign, optional spaces, digits)", out reason);
                decimal number = decimal.Parse(magnitude, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                return Scaled(text[0] == '-' ? -number : number, field.Scale, out value, out reason);
            default:
                return Fail("has a type this parser does not read", out reason);
        }
    }

    /// <summary>The value of an integer with <paramref name="scale"/> implied decimal places, as a DICOM DS would write it.</summary>
    public static string Format(decimal number, int? scale)
    {
        for (int i = 0; i < (scale ?? 0); i++)
            number /= 10m;
        return number.ToString(CultureInfo.InvariantCulture);
    }

    private static bool Scaled(decimal number, int? scale, out string value, out string? reason)
    {
        value = Format(number, scale);
        reason = null;
        return true;
    }

    private static bool Fail(string what, out string? reason)
    {
        reason = what;
        return false;
    }

    private static bool IsInteger(string text)
    {
        int start = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        int digits = text.Length - start;
        if (digits is < 1 or > MaxDigits)
            return false;
        for (int i = start; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
                return false;
        }
        return true;
    }

    private static bool IsDecimal(string text)
    {
        int start = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        int digits = 0, points = 0;
        for (int i = start; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]))
                digits++;
            else if (text[i] == '.')
                points++;
            else
                return false;
        }
        return digits is >= 1 and <= MaxDigits && points <= 1;
    }
}
