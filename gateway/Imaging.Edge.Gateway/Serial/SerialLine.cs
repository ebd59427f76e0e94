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
    /// Opens the port. A port that refuses the modem-line requests (DTR/RTS: "inappropriate ioctl") is opened again
    /// without them, and <see cref="ModemLines"/> says so; any other failure throws (no such port, no permission).
    /// </summary>
    public static SerialLine Open(string portName, PortSettings settings)
    {
        var wantsLines = settings.DtrEnable != false || settings.RtsEnable != false;
        try
        {
            return new SerialLine(OpenPort(portName, settings, settings.DtrEnable ?? true, settings.RtsEnable ?? true), modemLines: true);
        }
        catch (IOException) when (wantsLines && File.Exists(portName))
        {
            return new SerialLine(OpenPort(portName, settings, dtr: false, rts: false), modemLines: false);
        }
    }

    private static SerialPort OpenPort(string portName, PortSettings settings, bool dtr, bool rts)
    {
        var port = new SerialPort(portName, settings.BaudRate, ParityOf(settings.Parity), settings.DataBits, StopBitsOf(settings.StopBits))
        {
            Handshake = HandshakeOf(settings.Handshake),
            WriteTimeout = (int)WriteTimeout.TotalMilliseconds,
            ReadBufferSize = 16 * 1024,
        };
        try
        {
            port.DtrEnable = dtr;
            // With RTS/CTS flow control the driver owns RTS; setting it by hand is refused.
            if (port.Handshake is Handshake.None or Handshake.XOnXOff)
                port.RtsEnable = rts;
            port.Open();
            return port;
        }
        catch
        {
            port.Dispose();
            throw;
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
