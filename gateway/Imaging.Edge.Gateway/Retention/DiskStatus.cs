namespace Imaging.Edge.Gateway.Retention;

/// <summary>
/// The data disk as the disk monitor last saw it, for status (telemetry, the command line). Immutable: read
/// <see cref="DiskMonitor.Current"/> from any thread.
/// </summary>
/// <param name="TotalBytes">Used plus available bytes, as df counts them (see <see cref="DiskUsage"/>).</param>
/// <param name="UsedPercent">Share of the file system in use, as df's "Use%".</param>
/// <param name="BelowReserve">Free space is under <c>Retention:ReserveMegabytes</c>: new instances are refused with 0xA700.</param>
/// <param name="AboveHighWaterWithNothingToEvict">The disk is above <c>Retention:HighWaterPercent</c> and no verified upload
/// is left whose local copy could be deleted: uploads are behind, or something else fills the disk.</param>
internal sealed record DiskStatus(
    long FreeBytes,
    long TotalBytes,
    double UsedPercent,
    long ReserveBytes,
    bool BelowReserve,
    int HighWaterPercent,
    bool AboveHighWaterWithNothingToEvict);
