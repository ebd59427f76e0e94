namespace Imaging.Edge.Gateway.Intake;

/// <summary>Answers "may we take new data?" from the free space of the data disk and the configured reserve.</summary>
internal sealed class DiskSpaceGuard(string dataDir, long reserveBytes)
{
    public long ReserveBytes => reserveBytes;

    public string DataDir => dataDir;

    /// <summary>Free bytes on the file system holding the data folder.</summary>
    public long FreeBytes() => new DriveInfo(dataDir).AvailableFreeSpace;

    /// <summary>True when free space is at or above the reserve. Does not throw: an unreadable disk counts as full.</summary>
    public bool HasRoomForNewData()
    {
        try
        {
            return FreeBytes() >= reserveBytes;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
