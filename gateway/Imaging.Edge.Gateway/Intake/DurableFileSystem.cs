using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// The one piece .NET does not offer: fsync of a directory, which makes a rename or a new entry survive a power loss
/// (POSIX leaves directory entries in the page cache until the directory itself is synced).
/// </summary>
internal static partial class DurableFileSystem
{
    private const int ReadOnly = 0;             // O_RDONLY
    private const int CloseOnExec = 0x80000;    // O_CLOEXEC (02000000 on every Linux architecture we build for)

    /// <summary>
    /// O_DIRECTORY differs between architectures: 0200000 (0x10000) in the generic Linux headers (x86, x86_64), but
    /// 040000 (0x4000) on arm and arm64, where 0x10000 is O_DIRECT. The wrong one fails the open on arm64.
    /// </summary>
    private static readonly int Directory = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    /// <summary>fsyncs the directory. Throws <see cref="IOException"/> when it cannot.</summary>
    public static void SyncDirectory(string path)
    {
        var fd = Open(path, ReadOnly | Directory | CloseOnExec);
        if (fd < 0)
            throw new IOException($"cannot open directory {path} to sync it", new Win32Exception(Marshal.GetLastPInvokeError()));
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"cannot sync directory {path}", new Win32Exception(Marshal.GetLastPInvokeError()));
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
