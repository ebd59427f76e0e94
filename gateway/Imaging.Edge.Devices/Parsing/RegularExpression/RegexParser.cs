using System.Text;
using System.Text.RegularExpressions;
using Imaging.Edge.Devices.Parsing.Records;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Parsing.RegularExpression;

/// <summary>
/// Text records matched by regular expressions: the message text is split on the profile's separator, each record is
/// tried against the record kinds' patterns in the profile's order, and the first that matches gives its named
/// groups as the fields (read as their types; a group the match did not use, optional in the pattern, is no value).
/// Every match runs under a timeout (a pattern that backtracks
/// badly on some input costs at most that long per record: the record is given up with a problem). Pure; does not
/// throw; problems name the record and field, never the content.
/// </summary>
internal sealed class RegexParser : IMessageParser
{
    private readonly ParserSettings _settings;
    private readonly FieldMapping _mapping;
    private readonly ResultFilter _filter;
    private readonly Encoding _encoding;
    private readonly TimeSpan _timeout;
    private readonly List<(RecordDefinition Kind, Regex Pattern)> _kinds = [];
    private readonly List<ParseProblem> _profileProblems = [];

    public RegexParser(ParserSettings settings, FieldMapping mapping, ResultFilter? filter, Encoding encoding)
    {
        _settings = settings;
        _mapping = mapping;
        _filter = filter ?? new ResultFilter();
        _encoding = encoding;
        _timeout = TimeSpan.FromMilliseconds(settings.MatchTimeoutMilliseconds ?? ParserSettings.DefaultMatchTimeoutMilliseconds);
        foreach (var kind in settings.Records ?? [])
        {
            try
            {
                _kinds.Add((kind, new Regex(kind.Pattern ?? "", RegexOptions.CultureInvariant, _timeout)));
            }
            catch (ArgumentException)
            {
                // The loader rejects such a profile (ProfileRules); a parser built around it still does not throw.
                _profileProblems.Add(new ParseProblem($"parser.records '{kind.Name}'", "pattern is not a regular expression"));
            }
        }
    }

    public ParseOutcome Read(ReadOnlySpan<byte> text)
    {
        var message = new RecordMessageBuilder(_mapping.TestCodes ?? new Dictionary<string, CodedConcept>(), _filter);
        foreach (var (number, record) in TextRecords.Split(_encoding.GetString(text), _settings.Separator ?? ParserSettings.DefaultSeparator))
            ReadRecord(number, record, message);
        return new ParseOutcome([message.Build()], _profileProblems);
    }

    private void ReadRecord(int number, string record, RecordMessageBuilder message)
    {
        foreach (var (kind, pattern) in _kinds)
        {
            Match match;
            try
            {
                match = pattern.Match(record);
            }
            catch (RegexMatchTimeoutException)
            {
                message.Problem($"record {number} ({kind.Name})", $"pattern ran over its {_timeout.TotalMilliseconds:0} ms limit on this record ({record.Length} characters); record ignored");
                return;
            }
            if (!match.Success)
                continue;
            string where = $"record {number} ({kind.Name})";
            var values = new List<(FieldDefinition, string)>();
            foreach (var field in kind.Fields)
            {
                var group = match.Groups[field.Name];
                if (!group.Success)
                    continue; // an optional group the record did not have: the pattern's author made it optional
                if (FieldText.TryRead(group.Value, field, out string value, out string? reason))
                    values.Add((field, value));
                else
                    message.Problem($"{where} field '{field.Name}'", reason!);
            }
            message.Add(where, kind, values);
            return;
        }
        message.Problem($"record {number}", $"matches no record kind's pattern ({record.Length} characters); ignored");
    }
}
