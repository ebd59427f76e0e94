using System.Text.Json.Serialization;

namespace Imaging.Edge.Devices.Parsing;

/// <summary>One measurement as a device reported it, with the context it came in (patient, specimen).</summary>
/// <param name="TestCode">The device's own code for the test.</param>
/// <param name="Concept">The coded concept the profile maps <paramref name="TestCode"/> to (e.g. LOINC), if any.</param>
/// <param name="ResultTime">ISO 8601 local date-time (the device's clock, no zone), when the device sent one.</param>
/// <param name="Eye">The eye an ophthalmic value is of (fixed-width / regex records), if the profile says.</param>
/// <param name="Refraction">What an ophthalmic value is (sphere, cylinder …), if the profile says.</param>
internal sealed record DeviceResult(
    string? PatientId,
    string? SpecimenId,
    string TestCode,
    CodedConcept? Concept,
    string Value,
    string? Units,
    string? Flags,
    string? ResultTime,
    // Left out of JSON when null: golden files of formats without eyes stay as they were.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Eye? Eye = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RefractionQuantity? Refraction = null);
