using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// Where each value comes from in the device's messages (for record formats, a <see cref="FieldReference"/> such as
/// <c>R.3.4</c>), and what the device's test codes mean.
/// </summary>
internal sealed record FieldMapping
{
    public required string PatientId { get; init; }
    public string? SpecimenId { get; init; }
    public required string TestCode { get; init; }
    public required string Value { get; init; }
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
