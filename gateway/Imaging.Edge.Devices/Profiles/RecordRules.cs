using System.Text.RegularExpressions;
using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// The checks of <c>parser</c> a JSON shape cannot make: which settings each parser kind takes, record and field names
/// unique, tags unique, offsets and lengths inside bounds, patterns that compile and name every field as a group,
/// a measurement with a test code, an ophthalmic value with an eye.
/// </summary>
internal static class RecordRules
{
    public const int MaxRecords = 64;
    public const int MaxFields = 64;
    /// <summary>A fixed-width record or binary frame is read within this many characters / bytes.</summary>
    public const int MaxRecordLength = 4096;
    public const int MaxTagLength = 16;
    public const int MaxScale = 9;
    public const int MaxMatchTimeoutMilliseconds = 10_000;

    public static void Check(ParserSettings parser, List<ProfileError> errors)
    {
        void Require(bool ok, string path, string message)
        {
            if (!ok)
                errors.Add(new ProfileError(path, message));
        }

        var kind = parser.Kind;
        bool text = kind is ParserKind.FixedWidth or ParserKind.Regex;
        Require(parser.Separator is null || text, "$.parser.separator", "is for fixed-width and regex only");
        Require(parser.Separator is null || parser.Separator.Length is >= 1 and <= 4, "$.parser.separator", "must be 1 to 4 characters");
        Require(parser.MatchTimeoutMilliseconds is null || kind == ParserKind.Regex, "$.parser.matchTimeoutMilliseconds", "is for regex only");
        Require(parser.MatchTimeoutMilliseconds is null or (>= 1 and <= MaxMatchTimeoutMilliseconds), "$.parser.matchTimeoutMilliseconds", $"must be 1 to {MaxMatchTimeoutMilliseconds}");
        if (kind == ParserKind.AstmE1394)
        {
            Require(parser.Records is null, "$.parser.records", "is not for astm-e1394 (its fields are in mapping)");
            return;
        }
        if (parser.Records is not { Count: >= 1 and <= MaxRecords } records)
        {
            errors.Add(new ProfileError("$.parser.records", $"{Kebab(kind)} needs 1 to {MaxRecords} record kinds"));
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var tags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var timeout = TimeSpan.FromMilliseconds(parser.MatchTimeoutMilliseconds is >= 1 and <= MaxMatchTimeoutMilliseconds and var ms
            ? ms : ParserSettings.DefaultMatchTimeoutMilliseconds); // an out-of-range value is reported above, not as a bad pattern
        for (int r = 0; r < records.Count; r++)
        {
            var record = records[r];
            string path = $"$.parser.records[{r}]";
            Require(record.Name.Trim().Length > 0, $"{path}.name", "must not be empty");
            Require(names.Add(record.Name), $"{path}.name", "is the name of another record kind");

            Regex? pattern = null;
            switch (kind)
            {
                case ParserKind.FixedWidth:
                    Require(record.Tag is { Length: >= 1 and <= MaxTagLength }, $"{path}.tag", $"fixed-width needs a tag of 1 to {MaxTagLength} characters");
                    Require(record.Pattern is null, $"{path}.pattern", "is for regex only");
                    break;
                case ParserKind.Binary:
                    if (record.Tag is { } hex)
                        Require(hex.Length is >= 2 and <= 2 * MaxTagLength && hex.Length % 2 == 0 && hex.All(char.IsAsciiHexDigit), $"{path}.tag",
                            $"binary tags are 1 to {MaxTagLength} bytes in hex, such as A1 or 0102");
                    Require(record.Pattern is null, $"{path}.pattern", "is for regex only");
                    Require(record.Eye is null, $"{path}.eye", "is for text records only");
                    break;
                case ParserKind.Regex:
                    Require(record.Tag is null, $"{path}.tag", "is for fixed-width and binary only");
                    try
                    {
                        pattern = new Regex(record.Pattern ?? "", RegexOptions.CultureInvariant, timeout);
                        Require(record.Pattern is { Length: > 0 }, $"{path}.pattern", "regex needs a pattern");
                    }
                    catch (ArgumentException e)
                    {
                        errors.Add(new ProfileError($"{path}.pattern", $"is not a regular expression: {e.Message}"));
                    }
                    break;
            }
            Require(record.Tag is null || tags.Add(record.Tag), $"{path}.tag", "is the tag of another record kind");

            if (record.Fields.Count is < 1 or > MaxFields)
            {
                errors.Add(new ProfileError($"{path}.fields", $"must hold 1 to {MaxFields} fields"));
                continue;
            }
            var fieldNames = new HashSet<string>(StringComparer.Ordinal);
            bool eyeField = record.Fields.Any(f => f.Use == FieldUse.Eye);
            Require(!(eyeField && record.Eye is not null), $"{path}.eye", "the record has an eye field too: give one or the other");
            for (int f = 0; f < record.Fields.Count; f++)
                CheckField(kind, record, record.Fields[f], $"{path}.fields[{f}]", fieldNames, pattern, eyeField, errors);
        }
    }

    private static void CheckField(ParserKind kind, RecordDefinition record, FieldDefinition field, string path, HashSet<string> names, Regex? pattern, bool eyeField, List<ProfileError> errors)
    {
        void Require(bool ok, string at, string message)
        {
            if (!ok)
                errors.Add(new ProfileError($"{path}{at}", message));
        }

        Require(field.Name.Trim().Length > 0, ".name", "must not be empty");
        Require(names.Add(field.Name), ".name", "is the name of another field of this record");
        switch (kind)
        {
            case ParserKind.FixedWidth:
                Require(field.Offset is >= 0 and < MaxRecordLength, ".offset", $"fixed-width needs an offset of 0 to {MaxRecordLength - 1}");
                Require(field.Length is >= 1 and <= MaxRecordLength, ".length", $"fixed-width needs a length of 1 to {MaxRecordLength}");
                if (field.Offset is { } o && field.Length is { } l)
                    Require(o + l <= MaxRecordLength, ".length", $"offset and length reach past {MaxRecordLength} characters");
                break;
            case ParserKind.Regex:
                Require(field.Offset is null && field.Length is null, "", "regex fields are named groups: no offset or length");
                if (pattern is not null)
                    Require(pattern.GetGroupNames().Contains(field.Name, StringComparer.Ordinal), ".name", "is not a named group of the record's pattern");
                break;
            case ParserKind.Binary:
                Require(field.Offset is >= 0 and < MaxRecordLength, ".offset", $"binary needs an offset of 0 to {MaxRecordLength - 1}");
                Require(field.Width is 1 or 2 or 4, ".width", "binary needs a width of 1, 2 or 4 bytes");
                Require(field.Length is null, ".length", "is for fixed-width only (binary: width)");
                Require(field.Type is null or FieldType.Integer, ".type", "binary fields are integers");
                break;
        }
        if (kind != ParserKind.Binary)
        {
            Require(field.Width is null && field.ByteOrder is null && field.Signed is null, "", "width, byteOrder and signed are for binary only");
        }
        Require(field.Scale is null or (>= 0 and <= MaxScale), ".scale", $"must be 0 to {MaxScale}");
        Require(field.Scale is null || kind == ParserKind.Binary || field.Type is FieldType.Integer or FieldType.Decimal or FieldType.SignedDecimal,
            ".scale", "is for numbers only");

        var use = field.Use ?? FieldUse.Measurement;
        if (use == FieldUse.Measurement)
        {
            Require(field.TestCode is { Length: > 0 }, ".testCode", "a measurement needs a test code (or set use to what the field is)");
            if (field.Refraction is not null)
                Require(record.Eye is not null || eyeField, ".refraction", "an ophthalmic value needs an eye: give the record an eye or an eye field");
        }
        else
        {
            Require(field.TestCode is null && field.Units is null && field.Refraction is null, "", "testCode, units and refraction are for measurements only");
            Require(kind != ParserKind.Binary, ".use", "binary fields are measurements");
        }
    }

    private static string Kebab(ParserKind kind) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());
}
