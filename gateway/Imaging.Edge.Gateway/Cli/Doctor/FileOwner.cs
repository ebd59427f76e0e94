using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// Owner, group and mode of a file, which .NET does not offer: statx(2), whose buffer has one layout on every
/// architecture (stat(2)'s differs between x86_64 and arm64). Linux only; glibc 2.28 or later.
/// </summary>
internal static partial class FileOwner
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint BasicStats = 0x7ff;      // STATX_BASIC_STATS
    private const int UidOffset = 20;           // struct statx: stx_uid after stx_mask, stx_blksize, stx_attributes, stx_nlink
    private const int GidOffset = 24;
    private const int ModeOffset = 28;

    /// <summary>Follows symbolic links; null when the file is not there or cannot be looked at.</summary>
    public static (uint Uid, uint Gid, UnixFileMode Mode)? Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[256];
        if (Statx(CurrentDirectory, path, 0, BasicStats, buffer) != 0) return null;
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)) & 0xfff;
        return (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(UidOffset)), BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(GidOffset)), (UnixFileMode)mode);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);
}
