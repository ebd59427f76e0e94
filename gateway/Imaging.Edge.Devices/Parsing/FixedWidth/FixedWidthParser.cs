using System.Text;
using Imaging.Edge.Devices.Parsing.Records;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Parsing.FixedWidth;

/// <summary>
/// Fixed-width text records, as refractors and lensmeters send them (NIDEK RT-5100: <c>OR+ 1.25- 1.25150</c> is the
/// tag <c>O</c>, eye <c>R</c>, sphere in 6 characters, cylinder in 6, axis in 3). The message text is the records, each
/// ended by the profile's separator (the link has removed its framing); a record's kind is the one with the longest
/// tag the record starts with, and each field is the characters at its offset and length, read as its type. Pure;
/// does not throw. A record too short for a field, or a value not of the field's type, is a problem naming the
/// record and the field (never their content); a record of no known kind is ignored with a problem.
/// </summary>
internal sealed class FixedWidthParser(ParserSettings settings, FieldMapping mapping, ResultFilter? filter, Encoding encoding) : IMessageParser
{
    private readonly IReadOnlyList<RecordDefinition> _kinds =
        [.. (settings.Records ?? []).Where(r => !string.IsNullOrEmpty(r.Tag)).OrderByDescending(r => r.Tag!.Length)];

    public ParseOutcome Read(ReadOnlySpan<byte> text)
    {
        var message = new RecordMessageBuilder(mapping.TestCodes ?? new Dictionary<string, CodedConcept>(), filter ?? new ResultFilter());
        foreach (var (number, record) in TextRecords.Split(encoding.GetString(text), settings.Separator ?? ParserSettings.DefaultSeparator))
        {
            var kind = _kinds.FirstOrDefault(k => record.StartsWith(k.Tag!, StringComparison.Ordinal));
            if (kind is null)
            {
                message.Problem($"record {number}", $"no record kind has its tag ({record.Length} characters); ignored");
                continue;
            }
            string where = $"record {number} ({kind.Name})";
            var values = new List<(FieldDefinition, string)>();
            foreach (var field in kind.Fields)
            {
                int offset = field.Offset ?? 0, length = field.Length ?? 0;
                if (offset + length > record.Length)
                {
                    message.Problem($"{where} field '{field.Name}'", $"needs characters {offset + 1} to {offset + length}; the record has {record.Length}");
                    continue;
                }
                if (FieldText.TryRead(record.Substring(offset, length), field, out string value, out string? reason))
                    values.Add((field, value));
                else
                    message.Problem($"{where} field '{field.Name}'", reason!);
            }
            message.Add(where, kind, values);
        }
        return new ParseOutcome([message.Build()], []);
    }
}
