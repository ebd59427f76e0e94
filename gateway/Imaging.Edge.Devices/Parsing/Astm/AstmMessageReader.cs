using System.Text;

namespace Imaging.Edge.Devices.Parsing.Astm;

/// <summary>
/// Splits the joined text of a transfer into E1394 messages and records (§6.3: a record ends with CR; the link
/// layer may have cut it across frames at any byte, so the text must be joined before it gets here). Pure; does not
/// throw. A header starts a new message with its own delimiters; L ends it; records outside a message, unknown
/// record types and unusable headers are reported and skipped.
/// </summary>
internal static class AstmMessageReader
{
    /// <summary>§7: the record types of E1394 / LIS2-A2 (S, scientific, is not used by clinical instruments).</summary>
    private const string KnownTypes = "HPORCMQL";

    public static (IReadOnlyList<AstmMessage> Messages, IReadOnlyList<ParseProblem> Problems) Read(ReadOnlySpan<byte> text, Encoding encoding)
    {
        var messages = new List<AstmMessage>();
        var problems = new List<ParseProblem>();
        AstmRecord? header = null;
        var records = new List<AstmRecord>();
        var position = 0;

        void Close(bool terminated)
        {
            if (header is not null)
                messages.Add(new AstmMessage(header, [.. records], terminated));
            header = null;
            records.Clear();
        }

        foreach (var line in encoding.GetString(text).Split('\r'))
        {
            var recordText = line.Trim('\n');
            if (recordText.Length == 0)
                continue;
            position++;
            var where = $"record {position}";
            var type = char.ToUpperInvariant(recordText[0]);
            if (type == 'H')
            {
                if (header is not null)
                {
                    problems.Add(new ParseProblem(where, "header before the previous message's terminator"));
                    Close(terminated: false);
                }
                if (!AstmDelimiters.TryRead(recordText, out var delimiters))
                {
                    problems.Add(new ParseProblem(where, "header without four distinct delimiters"));
                    continue;
                }
                header = new AstmRecord(recordText, delimiters, 1);
                records.Add(header);
                continue;
            }
            if (header is null)
            {
                problems.Add(new ParseProblem(where, $"{Safe(type)} record outside a message (no header before it)"));
                continue;
            }
            if (!KnownTypes.Contains(type))
            {
                problems.Add(new ParseProblem(where, $"unknown record type {Safe(type)}"));
                continue;
            }
            records.Add(new AstmRecord(recordText, header.Delimiters, records.Count + 1));
            if (type == 'L')
                Close(terminated: true);
        }
        if (header is not null)
        {
            problems.Add(new ParseProblem($"record {position}", "message ends without a terminator record"));
            Close(terminated: false);
        }
        return (messages, problems);
    }

    /// <summary>A record type letter is safe to quote; anything else is shown as its code.</summary>
    private static string Safe(char type) => char.IsAsciiLetter(type) ? type.ToString() : $"U+{(int)type:X4}";
}
