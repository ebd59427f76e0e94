using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Imaging.Edge.Gateway.Hosting.Systemd;

/// <summary>
/// systemd socket activation (sd_listen_fds(3)): <c>imaging-edge.socket</c> binds the DICOM port — 104 included — as
/// root and hands the listening socket to the service as file descriptor 3, so the service itself needs no
/// capability (and can keep <c>PrivateUsers=yes</c>). Without <c>LISTEN_FDS</c> for this process, the gateway binds
/// <c>Dicom:Port</c> itself, as always.
/// </summary>
internal static class SocketActivation
{
    /// <summary>SD_LISTEN_FDS_START: the first handed-over descriptor.</summary>
    private const int FirstDescriptor = 3;

    /// <summary>
    /// The handed-over TCP listener, or null when there is none for us. The variables are removed so that a child
    /// process cannot mistake them for its own. Throws <see cref="InvalidOperationException"/> for a descriptor that is
    /// not a listening TCP socket (a unit written wrong: better refused at start than silently ignored).
    /// </summary>
    public static Socket? TakeListener()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var fds = Environment.GetEnvironmentVariable("LISTEN_FDS");
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
            || !int.TryParse(fds, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            return null;
        if (count > 1)
            throw new InvalidOperationException($"systemd handed over {count} sockets; the DICOM socket unit must listen on exactly one (ListenStream=)");
        var socket = new Socket(new SafeSocketHandle(FirstDescriptor, ownsHandle: true));
        if (socket.SocketType != SocketType.Stream || socket.LocalEndPoint is not IPEndPoint)
        {
            socket.Dispose();
            throw new InvalidOperationException("the socket systemd handed over is not a TCP stream socket (ListenStream=PORT in imaging-edge.socket)");
        }
        return socket;
    }
}
