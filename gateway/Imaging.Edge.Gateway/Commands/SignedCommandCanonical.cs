using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// The bytes an operator signs: the UTF-8 of the JSON array
/// <c>["imaging-edge-command-v1", site, gateway, command, requestId, timestamp, operator, args]</c>, written as
/// ECMAScript's <c>JSON.stringify</c> writes it (no spaces; strings escaped only where JSON requires it, with
/// <c>\b \f \n \r \t</c>, lower-case <c>\u00XX</c> and lone surrogates as <c>\uDXXX</c>), object members sorted by
/// UTF-16 code units (RFC 8785). A browser builds it with one <c>JSON.stringify</c> of an array whose args object has
/// sorted keys: nothing to agree on but this. An array cannot be re-cut into other fields, unlike joined text. Pure.
/// </summary>
internal static class SignedCommandCanonical
{
    public const string Version = "imaging-edge-command-v1";

    /// <summary>The largest integer JavaScript represents exactly (2^53 − 1): the limit of a number in signed args.</summary>
    private const long MaxSafeInteger = 9_007_199_254_740_991;

    /// <summary>The canonical bytes. <see cref="FormatException"/> when args hold what this form does not take.</summary>
    public static byte[] Encode(string site, string gateway, string command, string requestId, long timestamp, string operatorName, JsonElement args)
    {
        var text = new StringBuilder(256).Append('[');
        foreach (var field in new[] { Version, site, gateway, command, requestId })
            WriteString(text, field).Append(',');
        // A range test, not Math.Abs: that throws OverflowException on long.MinValue (found by tests/Imaging.Edge.Fuzz).
        if (timestamp is > MaxSafeInteger or < -MaxSafeInteger) throw new FormatException("the timestamp is out of range");
        text.Append(timestamp.ToString(CultureInfo.InvariantCulture)).Append(',');
        WriteString(text, operatorName).Append(',');
        if (args.ValueKind != JsonValueKind.Object) throw new FormatException("args must be a JSON object");
        WriteValue(text, args, depth: 0);
        return Encoding.UTF8.GetBytes(text.Append(']').ToString());
    }

    private static void WriteValue(StringBuilder text, JsonElement value, int depth)
    {
        if (depth > 8) throw new FormatException("signed arguments nest deeper than 8 levels");
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                WriteString(text, ReadString(value));
                break;
            case JsonValueKind.Number:
                // Only whole numbers: the text of a fraction differs between JSON writers, and no command takes one.
                if (!value.TryGetInt64(out var number) || Math.Abs(number) > MaxSafeInteger)
                    throw new FormatException("numbers in signed arguments must be whole and within ±(2^53 − 1)");
                text.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first) text.Append(',');
                    first = false;
                    WriteValue(text, item, depth + 1);
                }
                text.Append(']');
                break;
            case JsonValueKind.Object:
                var members = value.EnumerateObject().Select(p => (Name: p.Name, p.Value)).ToList();
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                text.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    // A command reads one of two equal names and the signature would cover both: refuse the ambiguity.
                    if (i > 0 && members[i].Name == members[i - 1].Name)
                        throw new FormatException("signed arguments name a member twice");
                    if (i > 0) text.Append(',');
                    WriteString(text, members[i].Name).Append(':');
                    WriteValue(text, members[i].Value, depth + 1);
                }
                text.Append('}');
                break;
            default:
                throw new FormatException($"unexpected JSON value {value.ValueKind}");
        }
    }

    private static string ReadString(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new FormatException("a string in the signed arguments is not valid Unicode");
        }
    }

    /// <summary>ECMAScript QuoteJSONString (ES2019, well-formed JSON.stringify).</summary>
    private static StringBuilder WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < 0x20)
                        Escape(text, c);
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                        text.Append(c).Append(value[++i]);
                    else if (char.IsSurrogate(c))
                        Escape(text, c);
                    else
                        text.Append(c);
                    break;
            }
        }
        return text.Append('"');
    }

    private static void Escape(StringBuilder text, char c) =>
        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
