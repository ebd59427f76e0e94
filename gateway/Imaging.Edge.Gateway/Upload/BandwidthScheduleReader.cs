using Imaging.Edge.CloudSync.Throttling;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>Turns the validated <c>Upload:BandwidthSchedule</c> entries into a schedule.</summary>
internal static class BandwidthScheduleReader
{
    public static BandwidthSchedule Read(IReadOnlyList<BandwidthWindowOptions> windows) =>
        new(windows.Select(w => new BandwidthWindow(BandwidthSchedule.ParseTime(w.From), BandwidthSchedule.ParseTime(w.To), w.MegabitsPerSecond)).ToList());
}
