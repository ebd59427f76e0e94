using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Hosting.Systemd;
using Imaging.Edge.Gateway.Upload;

namespace Imaging.Edge.Gateway.Hosting.Watchdog;

/// <summary>
/// What the watchdog watches, by name (the names appear in the log and in the test-only wedge switch), and how long
/// each may stay busy. A short limit is the watchdog interval itself: work that cannot finish within what systemd
/// grants the whole service is wedged. Longer work has a floor of its own.
/// </summary>
internal static class WatchedComponents
{
    public const string AcceptLoop = "dicom accept loop";
    public const string QueueDatabase = "queue database";
    public const string QueueRead = "queue database read";
    public const string UploadSlots = "upload slots";
    public const string DiskMonitor = "disk monitor";
    public const string RetentionSweep = "retention sweep";

    /// <summary>Without a watchdog nobody asks; a minute keeps the verdicts meaningful for a reader of the code.</summary>
    public static TimeSpan ShortLimit(SystemdEnvironment systemd) => systemd.WatchdogInterval ?? TimeSpan.FromMinutes(1);

    /// <summary>A sweep evicts in batches of 500 (files deleted, folders fsynced): many thousands may take minutes.</summary>
    public static TimeSpan SweepLimit(SystemdEnvironment systemd) => Max(ShortLimit(systemd), TimeSpan.FromMinutes(30));

    /// <summary>The watchers of components that keep their own state: the DICOM accept loop and the upload slots.</summary>
    public static Heartbeats Create(SystemdEnvironment systemd, DicomServer receiver, UploadSlots slots, EdgeConfiguration configuration, TimeProvider clock)
    {
        var heartbeats = new Heartbeats(clock, systemd.TestWedge);
        var limit = ShortLimit(systemd);
        heartbeats.AddCheck(AcceptLoop, () => receiver.AcceptLoopBusyFor switch
        {
            null => "the loop ended",
            var busy when busy > limit => $"busy with one connection for {Heartbeats.Seconds(busy.Value)}",
            _ => null,
        });
        var stalledAfter = Upload.UploadSlots.StalledAfter(configuration.Upload);
        heartbeats.AddCheck(UploadSlots, () => slots.Stuck(stalledAfter) is { Count: > 0 } stuck ? string.Join("; ", stuck) : null);
        return heartbeats;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
