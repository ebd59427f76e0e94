using System.Text.RegularExpressions;
using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>The checks a JSON shape cannot make: ranges, regular expressions, field references, protocol pairing.</summary>
internal static class ProfileRules
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    public static void Check(HardwareProfile profile, List<ProfileError> errors)
    {
        void Require(bool ok, string path, string message)
        {
            if (!ok)
                errors.Add(new ProfileError(path, message));
        }

        if (profile.Identity.HeaderPattern is { } pattern)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, PatternTimeout);
            }
            catch (ArgumentException e)
            {
                errors.Add(new ProfileError("$.identity.headerPattern", $"is not a regular expression: {e.Message}"));
            }
        }
        var port = profile.Port;
        Require(port.BaudRate is >= 50 and <= 4_000_000, "$.port.baudRate", "must be 50 to 4000000");
        Require(port.DataBits is >= 5 and <= 8, "$.port.dataBits", "must be 5 to 8");
        Require(port.DataBits == 8 || port.Encoding != TextEncoding.Utf8, "$.port.encoding", "utf8 needs 8 data bits");

        var link = profile.Link;
        LinkRules.Check(link, errors);
        Require(link.Protocol != LinkProtocol.AstmE1381 || profile.Parser.Kind == ParserKind.AstmE1394, "$.parser.kind", "astm-e1381 carries astm-e1394 records");

        var mapping = profile.Mapping;
        bool astm = profile.Parser.Kind == ParserKind.AstmE1394;
        foreach (var (name, reference, required) in new[]
        {
            ("patientId", mapping.PatientId, true), ("specimenId", mapping.SpecimenId, false), ("testCode", mapping.TestCode, true),
            ("value", mapping.Value, true), ("units", mapping.Units, false), ("flags", mapping.Flags, false), ("resultTime", mapping.ResultTime, false),
        })
        {
            if (!astm)
            {
                // the record parsers declare their fields in parser.records; a field reference here would be ignored silently
                Require(reference is null, $"$.mapping.{name}", "is for astm-e1394 only: declare this parser's fields in parser.records");
                continue;
            }
            if (reference is null && !required)
                continue;
            Require(reference is not null, $"$.mapping.{name}", "is required for astm-e1394");
            if (reference is not null)
                Require(FieldReference.TryParse(reference, out _), $"$.mapping.{name}", "must be a field reference such as R.4 or R.3.4 (record type, field, optional component)");
        }
        RecordRules.Check(profile.Parser, errors);
        foreach (var (code, concept) in mapping.TestCodes ?? new Dictionary<string, CodedConcept>())
        {
            var path = $"$.mapping.testCodes['{code}']";
            Require(code.Length > 0, path, "a test code must not be empty");
            Require(!string.IsNullOrWhiteSpace(concept.Scheme), $"{path}.scheme", "must not be empty");
            Require(!string.IsNullOrWhiteSpace(concept.Code), $"{path}.code", "must not be empty");
            Require(!string.IsNullOrWhiteSpace(concept.Meaning), $"{path}.meaning", "must not be empty");
        }
    }
}
