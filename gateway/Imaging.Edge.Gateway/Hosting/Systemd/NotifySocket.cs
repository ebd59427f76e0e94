using System.Net.Sockets;
using System.Text;

namespace Imaging.Edge.Gateway.Hosting.Systemd;

/// <summary>
/// sd_notify(3) without libsystemd: one datagram of newline-separated <c>KEY=value</c> assignments to the socket in
/// <c>NOTIFY_SOCKET</c>; a leading <c>@</c> names Linux's abstract namespace. Thread-safe; never throws: a service
/// manager that went away must not take the gateway with it (systemd's own sd_notify also just returns the error).
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _endPoint;

    public NotifySocket(string address) =>
        _endPoint = new UnixDomainSocketEndPoint(address.StartsWith('@') ? "\0" + address[1..] : address);

    /// <summary>Sends the assignments as one datagram; false when it could not be sent.</summary>
    public bool Send(string assignments)
    {
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(assignments), _endPoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}
