namespace Imaging.Edge.Gateway.Configuration;

/// <summary>
/// Checks section <c>Serial</c>. Profiles themselves are loaded and checked when the listeners start (a bad profile
/// stops only its device, with every error and its JSON path in the log, not the whole gateway).
/// </summary>
internal static class SerialOptionsValidator
{
    /// <summary>More ports than any box has; a bound, so a typo in a list index cannot start thousands of listeners.</summary>
    public const int MaxDevices = 32;

    private static readonly string[] Parities = ["none", "odd", "even", "mark", "space"];
    private static readonly string[] StopBits = ["one", "one-point-five", "two"];
    private static readonly string[] Handshakes = ["none", "rts-cts", "xon-xoff", "rts-cts-xon-xoff"];

    public static void Validate(SerialOptions serial, List<string> problems)
    {
        if (serial.UidRoot is { Length: > 0 } root && (!OptionsValidator.IsUid(root) || root.Length > Dicom.Data.Writing.UidGenerator.MaxRootLength))
            problems.Add($"Serial:UidRoot: must be a UID of at most {Dicom.Data.Writing.UidGenerator.MaxRootLength} characters (was '{root}')");
        if (serial.Devices.Count > MaxDevices)
            problems.Add($"Serial:Devices: at most {MaxDevices} devices (was {serial.Devices.Count})");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ports = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < serial.Devices.Count; i++)
        {
            var device = serial.Devices[i];
            var key = $"Serial:Devices:{i}";
            if (!OptionsValidator.IsIdentifier(device.Name))
                problems.Add($"{key}:Name: must be 1-64 letters, digits, '-' or '_' (was '{device.Name}')");
            else if (!names.Add(device.Name))
                problems.Add($"{key}:Name: '{device.Name}' is used by another device");
            if (string.IsNullOrWhiteSpace(device.Port) || !Path.IsPathFullyQualified(device.Port))
                problems.Add($"{key}:Port: must be the full path of a serial port such as /dev/ttyUSB0 (was '{device.Port}')");
            else if (!ports.Add(device.Port))
                problems.Add($"{key}:Port: {device.Port} is used by another device");
            if (string.IsNullOrWhiteSpace(device.Profile))
                problems.Add($"{key}:Profile: must name a hardware profile (e.g. astm-e1394) or a profile file");
            if (!Enum.TryParse<Dicom.Dimse.DimsePriority>(device.Priority, ignoreCase: true, out _))
                problems.Add($"{key}:Priority: must be Low, Medium or High (was '{device.Priority}')");
            if (device.BaudRate is < 50 or > 4_000_000)
                problems.Add($"{key}:BaudRate: must be between 50 and 4000000 (was {device.BaudRate})");
            if (device.DataBits is < 5 or > 8)
                problems.Add($"{key}:DataBits: must be between 5 and 8 (was {device.DataBits})");
            OneOf(device.Parity, Parities, $"{key}:Parity", problems);
            OneOf(device.StopBits, StopBits, $"{key}:StopBits", problems);
            OneOf(device.Handshake, Handshakes, $"{key}:Handshake", problems);
        }
    }

    private static void OneOf(string? value, string[] allowed, string key, List<string> problems)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
            problems.Add($"{key}: must be one of {string.Join(", ", allowed)} (was '{value}')");
    }
}
