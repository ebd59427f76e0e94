using System.Text;

namespace Imaging.Edge.Devices.Parsing.Astm;

/// <summary>
/// E1394 §6.6.4 escape sequences, with <c>&amp;</c> standing for the declared escape delimiter: <c>&amp;F&amp;</c> field,
/// <c>&amp;S&amp;</c> component, <c>&amp;R&amp;</c> repeat, <c>&amp;E&amp;</c> escape delimiter. Applied after a value is
/// split down to its component, so an escaped delimiter never splits. Any other sequence is kept as sent.
/// </summary>
internal static class AstmEscape
{
    private const int SequenceLength = 3;

    public static string Unescape(string value, AstmDelimiters delimiters)
    {
        if (value.IndexOf(delimiters.Escape) < 0)
            return value;
        var text = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] == delimiters.Escape && i + SequenceLength - 1 < value.Length && value[i + SequenceLength - 1] == delimiters.Escape)
            {
                char? replacement = value[i + 1] switch
                {
                    'F' => delimiters.Field,
                    'S' => delimiters.Component,
                    'R' => delimiters.Repeat,
                    'E' => delimiters.Escape,
                    _ => null,
                };
                if (replacement is { } c)
                {
                    text.Append(c);
                    i += SequenceLength;
                    continue;
                }
            }
            text.Append(value[i]);
            i++;
        }
        return text.ToString();
    }
}
