using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Imaging.Edge.Gateway.Commands;

namespace Imaging.Edge.Gateway.Control;

/// <summary>
/// Who is on the other end of a Unix socket, from the kernel (SO_PEERCRED): the audit names the local user and the
/// authorizer decides on the uid, without trusting anything the client says. Names come from NSS (<c>getpwuid_r</c>),
/// so users from LDAP or systemd's dynamic users are named as <c>id</c> would name them.
/// </summary>
internal static partial class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int Erange = 34;
    private const int MaxNssBuffer = 1024 * 1024;

    [StructLayout(LayoutKind.Sequential)]
    private struct UCred
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(nint socket, int level, int optionName, out UCred value, ref int length);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    /// <summary>int getpwuid_r(uid_t, struct passwd *, char *buf, size_t, struct passwd **result); returns an errno.</summary>
    [LibraryImport("libc")]
    private static partial int getpwuid_r(uint uid, nint passwd, nint buffer, nuint length, out nint result);

    /// <summary>
    /// The peer as a command caller: its user name (or <c>uid:N</c>), privileged when it is root or the user this
    /// process runs as. Null where the platform cannot tell; the caller then refuses what needs privilege.
    /// </summary>
    public static CommandCaller.Local? CallerOf(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var length = Marshal.SizeOf<UCred>();
        if (getsockopt(socket.Handle, SolSocket, SoPeerCred, out var credentials, ref length) != 0) return null;
        var uid = credentials.Uid;
        return new CommandCaller.Local(UserName(uid) ?? "uid:" + uid.ToString(CultureInfo.InvariantCulture), uid == 0 || uid == geteuid());
    }

    /// <summary>The user's name through NSS, or null if it has none (or NSS failed).</summary>
    private static string? UserName(uint uid)
    {
        // struct passwd is seven pointer-sized fields at most on Linux; pw_name is the first.
        var passwd = Marshal.AllocHGlobal(16 * IntPtr.Size);
        try
        {
            for (var size = 1024; size <= MaxNssBuffer; size *= 4)
            {
                var buffer = Marshal.AllocHGlobal(size);
                try
                {
                    var error = getpwuid_r(uid, passwd, buffer, (nuint)size, out var result);
                    if (error == Erange) continue;
                    if (error != 0 || result == 0) return null;
                    return Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(result));
                }
                finally
                {
                    Marshal.FreeHGlobal(buffer);
                }
            }
            return null;
        }
        finally
        {
            Marshal.FreeHGlobal(passwd);
        }
    }
}
