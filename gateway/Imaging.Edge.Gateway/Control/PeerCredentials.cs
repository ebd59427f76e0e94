using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Imaging.Edge.Gateway.Control;

/// <summary>
/// Who is on the other end of a Unix socket, from the kernel (SO_PEERCRED): the audit names the local user without
/// trusting anything the client says.
/// </summary>
internal static partial class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    [StructLayout(LayoutKind.Sequential)]
    private struct UCred
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(nint socket, int level, int optionName, out UCred value, ref int length);

    /// <summary>The peer's user name (or <c>uid:N</c>), or null where the platform cannot tell.</summary>
    public static string? UserOf(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var length = Marshal.SizeOf<UCred>();
        if (getsockopt(socket.Handle, SolSocket, SoPeerCred, out var credentials, ref length) != 0) return null;
        return UserName(credentials.Uid) ?? "uid:" + credentials.Uid.ToString(CultureInfo.InvariantCulture);
    }

    private static string? UserName(uint uid)
    {
        try
        {
            var text = uid.ToString(CultureInfo.InvariantCulture);
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == text) return fields[0];
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}
