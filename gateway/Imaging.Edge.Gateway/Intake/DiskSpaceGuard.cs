namespace Imaging.Edge.Gateway.Intake;

/// <summary>Answers "may we take new data?" from the free space of the data disk and the configured reserve.</summary>
internal sealed class DiskSpaceGuard(string dataDir, long reserveBytes)
{
    public long ReserveBytes => reserveBytes;

    public string DataDir => dataDir;

    /// <summary>Raised (on the intake's thread; handlers must be quick and must not throw) each time new data is refused.</summary>
    public event Action? Refused;

    /// <summary>Free bytes on the file system holding the data folder.</summary>
    public long FreeBytes() => new DriveInfo(dataDir).AvailableFreeSpace;

    /// <summary>True when free space is at or above the reserve. Does not throw: an unreadable disk counts as full.</summary>
    public bool HasRoomForNewData()
    {
        bool room;
        try
        {
            room = FreeBytes() >= reserveBytes;
        }
        catch (IOException)
        {
            room = false;
        }
        if (!room) Refused?.Invoke();
        return room;
    }
}
