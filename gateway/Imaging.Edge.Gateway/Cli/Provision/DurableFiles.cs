using System.Globalization;
using System.Text;
using Imaging.Edge.CloudSync.Stores;

namespace Imaging.Edge.Gateway.Cli.Provision;

/// <summary>
/// How provision writes: a file is replaced whole or not at all, even across a power cut — written to a temporary file
/// beside it, fsynced, renamed over the old one, and the folder fsynced so the rename itself survives.
/// </summary>
internal static class DurableFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Readable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Replaces the configuration file, keeping the previous one as <c>{file}.bak-{UTC time}</c> (returned; null when
    /// there was none). The new file keeps the old one's mode (the service user must read it), else 0644.
    /// </summary>
    public static string? ReplaceWithBackup(string file, byte[] content)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        Directory.CreateDirectory(folder);
        string? backup = null;
        var mode = Readable;
        if (File.Exists(file))
        {
            if (!OperatingSystem.IsWindows()) mode = File.GetUnixFileMode(file);
            backup = BackupName(file);
            Write(backup, File.ReadAllBytes(file), mode);
        }
        Write(file, content, mode);
        return backup;
    }

    /// <summary>Writes one secret to <c>{directory}/{name}</c>, mode 0600 from its creation (never readable by others, not even for a moment).</summary>
    public static void WriteSecret(string directory, string name, string secret)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Write(Path.Combine(directory, name), Encoding.UTF8.GetBytes(secret + "\n"), OwnerOnly);
    }

    private static void Write(string file, byte[] content, UnixFileMode mode)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(file)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        using (var stream = new FileStream(temporary, options))
        {
            // A temporary file left by an interrupted run may have another mode: set it before the content goes in.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, mode);
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, file, overwrite: true);
        DirectorySync.Sync(folder);
    }

    /// <summary><c>edge.json.bak-20261202T010203Z</c>, with <c>-2</c>, <c>-3</c>… when run twice in one second.</summary>
    private static string BackupName(string file)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var name = $"{file}.bak-{stamp}";
        for (var n = 2; File.Exists(name); n++)
            name = string.Create(CultureInfo.InvariantCulture, $"{file}.bak-{stamp}-{n}");
        return name;
    }
}
