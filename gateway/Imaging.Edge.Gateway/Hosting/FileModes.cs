using System.Runtime.InteropServices;

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>
/// The modes of what <c>imaging-edge run</c> creates (docs/security.md, "File modes"). The box holds patient data, so
/// what the gateway writes is its user's alone whatever umask it was started with — the unit sets <c>UMask=0077</c>,
/// but a field engineer's shell has 022 — and the few things opened to the group say so explicitly: the data folder
/// (0750, so that the group reaches the control socket) and the control socket (0660, set where it is bound).
/// </summary>
internal static partial class FileModes
{
    public const UnixFileMode DataFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>Bits the data folder never keeps: anything for others, and writing for the group.</summary>
    private const UnixFileMode NeverOnDataFolder = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.GroupWrite;

    /// <summary>
    /// umask 077 for the whole process: queue.db (and its WAL and SHM files, which SQLite creates with the database's
    /// mode), spool and instance files, study folders, the development bucket and the lock file are created 0600/0700.
    /// </summary>
    public static void RestrictNewFiles()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            _ = umask(0x3F); // 077 octal
    }

    /// <summary>
    /// The data folder made 0750 when <paramref name="createdNow"/>; one that was there is only tightened (others' bits
    /// and group write removed), never opened further: without them nobody else can reach any file inside, even files
    /// an older version left readable.
    /// </summary>
    public static void SecureDataFolder(string dataDir, bool createdNow)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(dataDir);
        var wanted = createdNow ? DataFolder : mode & ~NeverOnDataFolder;
        if (wanted != mode)
            File.SetUnixFileMode(dataDir, wanted);
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint umask(uint mask);
}
