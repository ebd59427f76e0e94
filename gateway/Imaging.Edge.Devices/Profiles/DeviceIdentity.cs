namespace Imaging.Edge.Devices.Profiles;

/// <summary>Which device a profile describes.</summary>
internal sealed record DeviceIdentity
{
    public required string Vendor { get; init; }
    public required string Model { get; init; }

    /// <summary>A .NET regular expression matched against the device's header (E1394: the H record) that recognises it.</summary>
    public string? HeaderPattern { get; init; }
}
