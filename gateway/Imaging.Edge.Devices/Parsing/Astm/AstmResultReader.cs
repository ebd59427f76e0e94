using System.Text;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Parsing.Astm;

/// <summary>
/// Turns the joined text of an E1394 transfer into <see cref="DeviceMessage"/>s: each result record (R) becomes a
/// <see cref="DeviceResult"/>, with the patient (P) and order (O) records before it as its context, every value read
/// where the profile's <see cref="FieldMapping"/> says. Pure; does not throw. A result whose test code or value the
/// record does not carry is left out with a problem that names the record and the field, not its content.
/// </summary>
internal sealed class AstmResultReader : IMessageParser
{
    private readonly Encoding _encoding;
    private readonly ResultFilter _filter;
    private readonly IReadOnlyDictionary<string, CodedConcept> _concepts;
    private readonly FieldReference? _patientId;
    private readonly FieldReference? _specimenId;
    private readonly FieldReference? _testCode;
    private readonly FieldReference? _value;
    private readonly FieldReference? _units;
    private readonly FieldReference? _flags;
    private readonly FieldReference? _resultTime;
    private readonly List<ParseProblem> _mappingProblems = [];

    public AstmResultReader(FieldMapping mapping, ResultFilter? filter, Encoding encoding)
    {
        _encoding = encoding;
        _filter = filter ?? new ResultFilter();
        _concepts = mapping.TestCodes ?? new Dictionary<string, CodedConcept>();
        _patientId = Reference(mapping.PatientId, "patientId");
        _specimenId = Reference(mapping.SpecimenId, "specimenId");
        _testCode = Reference(mapping.TestCode, "testCode");
        _value = Reference(mapping.Value, "value");
        _units = Reference(mapping.Units, "units");
        _flags = Reference(mapping.Flags, "flags");
        _resultTime = Reference(mapping.ResultTime, "resultTime");
    }

    private FieldReference? Reference(string? text, string name)
    {
        if (text is null)
            return null;
        if (FieldReference.TryParse(text, out var reference))
            return reference;
        _mappingProblems.Add(new ParseProblem($"mapping.{name}", "not a field reference such as R.4 or R.3.4"));
        return null;
    }

    public ParseOutcome Read(ReadOnlySpan<byte> text)
    {
        var (messages, problems) = AstmMessageReader.Read(text, _encoding);
        return new ParseOutcome([.. messages.Select(ReadMessage)], [.. _mappingProblems, .. problems]);
    }

    private DeviceMessage ReadMessage(AstmMessage message)
    {
        var problems = new List<ParseProblem>();
        if (message.ProcessingId is { } processingId && _filter.DropProcessingIds?.Contains(processingId) == true)
            return new DeviceMessage(message.SenderName, processingId, message.Terminated, [], $"processing id {processingId}", problems);
        var results = new List<DeviceResult>();
        AstmRecord? patient = null;
        AstmRecord? order = null;
        foreach (var record in message.Records)
        {
            switch (record.Type)
            {
                case 'P':
                    patient = record;
                    order = null;
                    break;
                case 'O':
                    order = record;
                    break;
                case 'R':
                    if (ReadResult(message.Header, patient, order, record, problems) is { } result)
                        results.Add(result);
                    break;
            }
        }
        return new DeviceMessage(message.SenderName, message.ProcessingId, message.Terminated, results, null, problems);
    }

    private DeviceResult? ReadResult(AstmRecord header, AstmRecord? patient, AstmRecord? order, AstmRecord result, List<ParseProblem> problems)
    {
        string? Read(FieldReference? reference)
        {
            var record = reference?.RecordType switch
            {
                'R' => result,
                'P' => patient,
                'O' => order,
                'H' => header,
                _ => null,
            };
            var value = reference is null ? null : record?.Get(reference.Field, reference.Component);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        string? Required(FieldReference? reference, string name)
        {
            var value = Read(reference);
            if (value is null)
                problems.Add(new ParseProblem($"R record {result.Index}",
                    $"{name} ({reference?.ToString() ?? "unmapped"}) is missing or empty; the record has {result.FieldCount} fields"));
            return value;
        }

        var testCode = Required(_testCode, "test code");
        var value = Required(_value, "value");
        if (testCode is null || value is null)
            return null;
        if (_filter.DropTestCodes?.Contains(testCode) == true)
            return null;
        string? time = null;
        if (Read(_resultTime) is { } rawTime)
        {
            time = AstmDateTime.ToIso(rawTime);
            if (time is null)
                problems.Add(new ParseProblem($"R record {result.Index}", $"result time ({_resultTime}) is not a date YYYYMMDD[HHMM[SS]]"));
        }
        return new DeviceResult(
            Read(_patientId),
            Read(_specimenId),
            testCode,
            _concepts.TryGetValue(testCode, out var concept) ? concept : null,
            value,
            Read(_units),
            Read(_flags),
            time);
    }
}
