using System.Text.Json.Serialization;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// One device model, as its JSON file under <c>hardware-profiles/</c> declares it (format: docs/devices.md, schema:
/// <c>hardware-profiles/schema.json</c>). Nullable members are optional in the file; every other one is required.
/// Read only through <see cref="ProfileLoader"/>, which reports every error with its JSON path.
/// </summary>
internal sealed record HardwareProfile
{
    /// <summary>The schema an editor checks the file against (<c>./schema.json</c>); not used otherwise.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public required DeviceIdentity Identity { get; init; }
    public required PortSettings Port { get; init; }
    public required LinkSettings Link { get; init; }
    public required ParserSettings Parser { get; init; }
    public required FieldMapping Mapping { get; init; }
    public ResultFilter? Filter { get; init; }
    public required OutputSettings Output { get; init; }
}
