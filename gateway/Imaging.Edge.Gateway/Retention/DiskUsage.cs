namespace Imaging.Edge.Gateway.Retention;

/// <summary>
/// The file system holding the data folder, counted as <c>df</c> counts it: <see cref="FreeBytes"/> is what an
/// unprivileged process may still write, <see cref="TotalBytes"/> is that plus what is in use (blocks reserved for
/// root, or otherwise unavailable, count as neither), so <see cref="UsedPercent"/> is df's "Use%".
/// </summary>
internal sealed record DiskUsage(long FreeBytes, long TotalBytes)
{
    public long UsedBytes => TotalBytes - FreeBytes;

    public double UsedPercent => TotalBytes <= 0 ? 100 : 100.0 * UsedBytes / TotalBytes;

    /// <summary>Reads the file system of <paramref name="path"/> now. Throws <see cref="IOException"/> when it cannot.</summary>
    public static DiskUsage Of(string path)
    {
        var drive = new DriveInfo(path);
        var available = drive.AvailableFreeSpace;
        var used = drive.TotalSize - drive.TotalFreeSpace;
        return new DiskUsage(available, used + available);
    }
}
