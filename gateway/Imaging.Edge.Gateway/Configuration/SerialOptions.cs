namespace Imaging.Edge.Gateway.Configuration;

/// <summary>
/// Section <c>Serial</c>: the RS-232 devices attached to this box and where their hardware profiles are
/// (docs/devices.md). No device configured: no serial intake runs.
/// </summary>
internal sealed class SerialOptions
{
    public const string Section = "Serial";

    /// <summary>
    /// The folder of hardware profiles; empty: the packaged ones (<c>hardware-profiles</c> beside the executable in a
    /// build, <c>/usr/share/imaging-edge/hardware-profiles</c> when installed).
    /// </summary>
    public string? ProfilesDirectory { get; set; }

    /// <summary>
    /// The organisation's UID root for the objects built from device messages (at most 34 characters); empty:
    /// UUID-derived UIDs under 2.25 (PS3.5 §B.2).
    /// </summary>
    public string? UidRoot { get; set; }

    public List<SerialDeviceOptions> Devices { get; set; } = [];
}

/// <summary>One serial device (<c>Serial:Devices:N</c>): where it is plugged in and which profile it speaks.</summary>
internal sealed class SerialDeviceOptions
{
    /// <summary>How this device is named in the status, events, logs and its objects (letters, digits, '-', '_').</summary>
    public string Name { get; set; } = "";

    /// <summary>The serial port, e.g. <c>/dev/ttyUSB0</c> or a stable <c>/dev/serial/by-id/…</c> link.</summary>
    public string Port { get; set; } = "";

    /// <summary>A profile's name (its file name without <c>.json</c> in the profiles folder) or a path to a profile file.</summary>
    public string Profile { get; set; } = "";

    /// <summary>Upload priority of this device's objects: Low, Medium or High.</summary>
    public string Priority { get; set; } = "Medium";

    /// <summary>Overrides of the profile's port settings, for a unit set up differently from the model's default.</summary>
    public int? BaudRate { get; set; }
    public int? DataBits { get; set; }
    /// <summary>none, odd, even, mark, space.</summary>
    public string? Parity { get; set; }
    /// <summary>one, one-point-five, two.</summary>
    public string? StopBits { get; set; }
    /// <summary>none, rts-cts, xon-xoff, rts-cts-xon-xoff.</summary>
    public string? Handshake { get; set; }
}
