using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Imaging.Edge.CloudSync.Stores;

/// <summary>
/// fsync of a folder, which .NET does not offer: a rename or a new entry survives a power cut only once the folder
/// itself is synced (POSIX keeps directory entries in the page cache until then). The one implementation: the file
/// store here and the gateway's intake (through <c>DurableFileSystem</c>) both use it.
/// </summary>
public static partial class DirectorySync
{
    // open(2) with O_RDONLY alone opens a directory on Linux and macOS; O_DIRECTORY would only add a check, and its
    // value differs between architectures (0x10000 on x86_64 is O_DIRECT on arm64, where O_DIRECTORY is 0x4000).
    // O_CLOEXEC is 0x80000 on both x86_64 and arm64 Linux.
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    /// <summary>fsyncs the folder. Throws <see cref="IOException"/> when it cannot. Nothing to do on Windows (NTFS journals names).</summary>
    public static void Sync(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(path, ReadOnly | (OperatingSystem.IsLinux() ? CloseOnExec : 0));
        if (fd < 0)
            throw new IOException($"cannot open folder {path} to sync it", new Win32Exception(Marshal.GetLastPInvokeError()));
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"cannot sync folder {path}", new Win32Exception(Marshal.GetLastPInvokeError()));
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
