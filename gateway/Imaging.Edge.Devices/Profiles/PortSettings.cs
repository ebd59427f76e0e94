namespace Imaging.Edge.Devices.Profiles;

/// <summary>The serial line as the device needs it (System.IO.Ports terms; a device's configuration may override).</summary>
internal sealed record PortSettings
{
    public required int BaudRate { get; init; }
    /// <summary>5 to 8.</summary>
    public required int DataBits { get; init; }
    public required SerialParity Parity { get; init; }
    public required SerialStopBits StopBits { get; init; }
    public required SerialHandshake Handshake { get; init; }
    /// <summary>Data Terminal Ready raised while the port is open (many devices send nothing without it). Default: true.</summary>
    public bool? DtrEnable { get; init; }
    /// <summary>Request To Send raised while open, when the handshake does not drive it. Default: true.</summary>
    public bool? RtsEnable { get; init; }
    public required TextEncoding Encoding { get; init; }

    /// <summary>The .NET encoding for <see cref="Encoding"/>: ASCII shows a byte above 0x7F as '?', Latin-1 maps every byte.</summary>
    public System.Text.Encoding TextEncodingOf() => Encoding switch
    {
        TextEncoding.Ascii => System.Text.Encoding.ASCII,
        TextEncoding.Latin1 => System.Text.Encoding.Latin1,
        _ => System.Text.Encoding.UTF8,
    };
}

internal enum SerialParity { None, Odd, Even, Mark, Space }

internal enum SerialStopBits { One, OnePointFive, Two }

/// <summary>Flow control: RTS/CTS hardware lines, XON/XOFF characters, or both.</summary>
internal enum SerialHandshake { None, RtsCts, XonXoff, RtsCtsXonXoff }

/// <summary>How the device's bytes map to text (checksums always count bytes, whatever the encoding).</summary>
internal enum TextEncoding { Ascii, Latin1, Utf8 }
