using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Parsing.Records;

/// <summary>
/// Gathers the fields the fixed-width, regex and binary parsers read from the records of one message into a
/// <see cref="DeviceMessage"/>: each measurement field a <see cref="DeviceResult"/> (test code, mapped concept,
/// value, units, eye, refraction quantity), in the device's order; the context fields (patient ID, specimen ID,
/// sender) apply to the whole message, the first one sent wins (these devices send one patient per message, most
/// none: the output then makes an unidentified study). Problems are bounded in number and never quote content.
/// </summary>
internal sealed class RecordMessageBuilder(IReadOnlyDictionary<string, CodedConcept> concepts, ResultFilter filter)
{
    /// <summary>A message of garbage must not become a million problems: beyond this many, one line says how many more.</summary>
    public const int MaxProblems = 50;

    private readonly List<DeviceResult> _results = [];
    private readonly List<ParseProblem> _problems = [];
    private int _problemsLeftOut;
    private string? _patientId;
    private string? _specimenId;
    private string? _sender;

    public void Problem(string where, string what)
    {
        if (_problems.Count < MaxProblems)
            _problems.Add(new ParseProblem(where, what));
        else
            _problemsLeftOut++;
    }

    /// <summary>
    /// One record of a known kind with its fields read (a field the record did not hold, or whose value was not of its
    /// type, was reported by the parser and is not in <paramref name="values"/>).
    /// </summary>
    public void Add(string where, RecordDefinition record, IReadOnlyList<(FieldDefinition Field, string Value)> values)
    {
        Eye? eye = record.Eye;
        foreach (var (field, value) in values)
        {
            switch (field.Use ?? FieldUse.Measurement)
            {
                case FieldUse.PatientId:
                    _patientId ??= Blank(value);
                    break;
                case FieldUse.SpecimenId:
                    _specimenId ??= Blank(value);
                    break;
                case FieldUse.Sender:
                    _sender ??= Blank(value);
                    break;
                case FieldUse.Eye:
                    eye = EyeOf(value);
                    if (eye is null)
                        Problem($"{where} field '{field.Name}'", "is not an eye (R, L, OD, OS, RIGHT, LEFT)");
                    break;
            }
        }
        foreach (var (field, value) in values)
        {
            if ((field.Use ?? FieldUse.Measurement) != FieldUse.Measurement || field.TestCode is not { } code)
                continue;
            if (value.Length == 0)
            {
                Problem($"{where} field '{field.Name}'", "is empty");
                continue;
            }
            if (filter.DropTestCodes?.Contains(code) == true)
                continue;
            if (field.Refraction is not null && eye is null)
            {
                Problem($"{where} field '{field.Name}'", "is an ophthalmic value of no known eye; left out");
                continue;
            }
            _results.Add(new DeviceResult(null, null, code, concepts.GetValueOrDefault(code), value, field.Units, null, null, eye, field.Refraction));
        }
    }

    public DeviceMessage Build()
    {
        var problems = new List<ParseProblem>(_problems);
        if (_problemsLeftOut > 0)
            problems.Add(new ParseProblem("message", $"{_problemsLeftOut} more problems left out"));
        return new DeviceMessage(
            _sender,
            null,
            true,
            [.. _results.Select(r => r with { PatientId = _patientId, SpecimenId = _specimenId })],
            null,
            problems);
    }

    private static string? Blank(string value) => value.Length == 0 ? null : value;

    private static Eye? EyeOf(string value) => value.Trim(' ').ToUpperInvariant() switch
    {
        "R" or "OD" or "RIGHT" => Eye.Right,
        "L" or "OS" or "LEFT" => Eye.Left,
        _ => null,
    };
}
