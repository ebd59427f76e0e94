namespace Imaging.Edge.Gateway.Retention;

/// <summary>Free and total bytes of the file system holding the data folder, as an unprivileged process may use it.</summary>
internal sealed record DiskUsage(long FreeBytes, long TotalBytes)
{
    public long UsedBytes => TotalBytes - FreeBytes;

    public double UsedPercent => TotalBytes <= 0 ? 100 : 100.0 * UsedBytes / TotalBytes;

    /// <summary>Reads the file system of <paramref name="path"/> now. Throws <see cref="IOException"/> when it cannot.</summary>
    public static DiskUsage Of(string path)
    {
        var drive = new DriveInfo(path);
        return new DiskUsage(drive.AvailableFreeSpace, drive.TotalSize);
    }
}
