using System.IO.Ports;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Gateway.Serial;

/// <summary>
/// An open serial port, set up as the device's profile says (System.IO.Ports). Writes time out after
/// <see cref="WriteTimeout"/> so that a line held by flow control cannot block the link forever.
/// </summary>
internal sealed class SerialLine : IDisposable
{
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    private readonly SerialPort _port;

    private SerialLine(SerialPort port, bool modemLines)
    {
        _port = port;
        ModemLines = modemLines;
    }

    /// <summary>False when the port has no DTR/RTS control (a pseudo-terminal, some adapters): they were not raised.</summary>
    public bool ModemLines { get; }

    public Stream Stream => _port.BaseStream;

    /// <summary>
    /// Opens the port, then raises DTR/RTS as the profile says. A port that refuses the modem-line requests (a
    /// pseudo-terminal, some adapters: "inappropriate ioctl") stays open without them, and <see cref="ModemLines"/>
    /// says so; any other failure throws (no such port, no permission, settings the driver refuses).
    /// </summary>
    public static SerialLine Open(string portName, PortSettings settings)
    {
        SerialPort port;
        try
        {
            port = OpenPort(portName, settings);
        }
        catch (ArgumentException) when (settings.Parity != SerialParity.None)
        {
            // Seen with pseudo-terminals: a line left with parity on by the previous open refuses the same settings
            // again (System.IO.Ports reports the driver's refusal as ArgumentException); one open without parity resets it.
            OpenPort(portName, settings with { Parity = SerialParity.None }).Dispose();
            port = OpenPort(portName, settings);
        }
        return new SerialLine(port, RaiseModemLines(port, settings));
    }

    private static SerialPort OpenPort(string portName, PortSettings settings)
    {
        var port = new SerialPort(portName, settings.BaudRate, ParityOf(settings.Parity), settings.DataBits, StopBitsOf(settings.StopBits))
        {
            Handshake = HandshakeOf(settings.Handshake),
            WriteTimeout = (int)WriteTimeout.TotalMilliseconds,
            ReadBufferSize = 16 * 1024,
        };
        try
        {
            port.Open();
            return port;
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    /// <summary>False when the port has no modem control lines (the ioctl is refused); the port stays usable.</summary>
    private static bool RaiseModemLines(SerialPort port, PortSettings settings)
    {
        if (settings.DtrEnable == false && settings.RtsEnable == false)
            return true; // opened with both low: nothing to ask of the driver
        try
        {
            port.DtrEnable = settings.DtrEnable ?? true;
            // With RTS/CTS flow control the driver owns RTS; setting it by hand is refused.
            if (port.Handshake is Handshake.None or Handshake.XOnXOff)
                port.RtsEnable = settings.RtsEnable ?? true;
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Write(ReadOnlySpan<byte> bytes) => _port.BaseStream.Write(bytes);

    public void Dispose() => _port.Dispose();

    private static Parity ParityOf(SerialParity parity) => parity switch
    {
        SerialParity.Odd => Parity.Odd,
        SerialParity.Even => Parity.Even,
        SerialParity.Mark => Parity.Mark,
        SerialParity.Space => Parity.Space,
        _ => Parity.None,
    };

    private static StopBits StopBitsOf(SerialStopBits stopBits) => stopBits switch
    {
        SerialStopBits.OnePointFive => StopBits.OnePointFive,
        SerialStopBits.Two => StopBits.Two,
        _ => StopBits.One,
    };

    private static Handshake HandshakeOf(SerialHandshake handshake) => handshake switch
    {
        SerialHandshake.RtsCts => Handshake.RequestToSend,
        SerialHandshake.XonXoff => Handshake.XOnXOff,
        SerialHandshake.RtsCtsXonXoff => Handshake.RequestToSendXOnXOff,
        _ => Handshake.None,
    };
}
