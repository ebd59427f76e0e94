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

    /// <summary>
    /// Bytes that may still be written before free space falls below the reserve; negative when it is below already.
    /// Does not throw: an unreadable disk has no room.
    /// </summary>
    public long Headroom()
    {
        try
        {
            return FreeBytes() - reserveBytes;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>True when free space is at or above the reserve. Does not throw: an unreadable disk counts as full.</summary>
    public bool HasRoomForNewData() => HasRoomFor(0, out _);

    /// <summary>
    /// True when <paramref name="bytes"/> more can be written without going below the reserve; gives the headroom read.
    /// Raises <see cref="Refused"/> when not. Does not throw.
    /// </summary>
    public bool HasRoomFor(long bytes, out long headroom)
    {
        headroom = Headroom();
        var room = headroom >= bytes;
        if (!room) Refused?.Invoke();
        return room;
    }
}
