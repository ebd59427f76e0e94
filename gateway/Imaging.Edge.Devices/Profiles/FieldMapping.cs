using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// Where each value comes from in an E1394 message (a <see cref="FieldReference"/> such as <c>R.3.4</c>; patient ID,
/// test code and value are required for <c>astm-e1394</c>, by <see cref="ProfileRules"/>), and what the device's test
/// codes mean (every parser). The fixed-width, regex and binary parsers declare their fields in
/// <see cref="ParserSettings.Records"/> instead; for them only <see cref="TestCodes"/> is used.
/// </summary>
internal sealed record FieldMapping
{
    public string? PatientId { get; init; }
    public string? SpecimenId { get; init; }
    public string? TestCode { get; init; }
    public string? Value { get; init; }
    public string? Units { get; init; }
    public string? Flags { get; init; }
    public string? ResultTime { get; init; }

    /// <summary>The device's test code → a coded concept (LOINC for laboratory results).</summary>
    public IReadOnlyDictionary<string, CodedConcept>? TestCodes { get; init; }

    /// <summary>E1394 as most analysers fill it (§8.1.4, §9.4.3, §10.1.3 …).</summary>
    public static FieldMapping AstmDefault { get; } = new()
    {
        PatientId = "P.3",
        SpecimenId = "O.3",
        TestCode = "R.3.4",
        Value = "R.4",
        Units = "R.5",
        Flags = "R.7",
        ResultTime = "R.13",
    };
}
