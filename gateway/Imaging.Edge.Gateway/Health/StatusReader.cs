using System.Globalization;
using System.Reflection;
using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Imaging.Edge.Gateway.Serial;
using Imaging.Edge.Gateway.Upload;
using Polly.CircuitBreaker;

namespace Imaging.Edge.Gateway.Health;

/// <summary>
/// Gathers the running gateway's <see cref="GatewayStatus"/> from the queue, the upload endpoints, the receiver and
/// the disk, and decides online or degraded with the reasons a person can act on. Cheap enough to call every few
/// seconds: one aggregate query over the queue, the rest from memory.
/// </summary>
internal sealed class StatusReader(
    EdgeConfiguration configuration,
    QueueQueries queue,
    ReceivedToday received,
    UploadMetrics metrics,
    UploadEndpoints endpoints,
    UploadPause pause,
    UploadSlots slots,
    DicomServer receiver,
    DiskSpaceGuard disk,
    TelemetryDrops drops,
    DiskMonitor diskMonitor,
    DeviceBoard devices,
    TimeProvider clock)
{
    private readonly DateTimeOffset _started = clock.GetUtcNow();

    public static string Version { get; } =
        typeof(StatusReader).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public GatewayStatus Read()
    {
        var now = clock.GetUtcNow();
        var stats = queue.Stats();
        var queueStatus = new QueueStatus(stats.Pending, stats.Uploading, stats.Failed, stats.Uploaded, stats.BytesPending,
            stats.OldestPending is { } oldest ? Math.Max(0, (long)(now - oldest).TotalSeconds) : null, stats.Evicted, stats.Erasing);
        var circuits = new Dictionary<string, string>(StringComparer.Ordinal) { [endpoints.Primary.Store.Name] = Circuit(endpoints.Primary) };
        if (endpoints.Backup is { } backup)
            circuits[backup.Store.Name] = Circuit(backup);
        var targets = endpoints.Targets();
        var upload = new UploadStatus(pause.IsPaused, (long)metrics.BytesPerSecond(), metrics.LastSuccess,
            string.Join('+', targets.Select(t => t.Store.Name)), circuits);
        var diskStatus = ReadDisk();
        var reasons = Reasons(queueStatus, upload, diskStatus, diskMonitor.Readings > 0 && diskMonitor.Current.AboveHighWaterWithNothingToEvict);
        reasons.AddRange(slots.Problems(UploadSlots.StalledAfter(configuration.Upload)));
        var deviceStatus = devices.Snapshot();
        reasons.AddRange(DeviceReasons(deviceStatus));
        return new GatewayStatus(
            configuration.Gateway.SiteId,
            configuration.Gateway.GatewayId,
            reasons.Count == 0 ? GatewayStatus.Online : GatewayStatus.Degraded,
            reasons,
            Version,
            (long)(now - _started).TotalSeconds,
            queueStatus,
            upload,
            new ReceiveStatus(receiver.ActiveAssociations, received.Read(now)),
            diskStatus,
            deviceStatus,
            drops.Snapshot());
    }

    private static string Circuit(EndpointResilience endpoint) => endpoint.CircuitState switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half-open",
        _ => endpoint.IsUnavailable ? "open" : "half-open",
    };

    /// <summary>The disk monitor's last reading (every 5 s, and at each refusal); read here only before its first.</summary>
    private DiskStatusView ReadDisk()
    {
        if (diskMonitor.Readings > 0)
        {
            var current = diskMonitor.Current;
            return new DiskStatusView(current.FreeBytes, current.UsedPercent, current.ReserveBytes, current.BelowReserve, current.HighWaterPercent);
        }
        try
        {
            var drive = new DriveInfo(disk.DataDir);
            var free = drive.AvailableFreeSpace;
            var used = drive.TotalSize == 0 ? 100 : Math.Round(100.0 * (drive.TotalSize - free) / drive.TotalSize, 1);
            return new DiskStatusView(free, used, disk.ReserveBytes, free < disk.ReserveBytes, configuration.Retention.HighWaterPercent);
        }
        catch (IOException)
        {
            return new DiskStatusView(0, 100, disk.ReserveBytes, true, configuration.Retention.HighWaterPercent);
        }
    }

    /// <summary>
    /// A serial port that is gone (an unplugged adapter, a wrong path) or a profile that did not load needs a person;
    /// a device that is merely quiet does not (RS-232 cannot tell a switched-off device from an idle one).
    /// </summary>
    private static IEnumerable<string> DeviceReasons(IReadOnlyList<Serial.DeviceStatus> devices) =>
        devices.Where(d => d.State != DeviceBoard.Connected).Select(d => d.State == DeviceBoard.ProfileRejected
            ? $"device {d.Name}: profile {d.Profile} rejected (see the log, or imaging-edge profiles validate)"
            : $"device {d.Name}: port {d.Port} not open ({d.Reason ?? "closed"})");

    /// <summary>What needs a person's attention, most urgent first; empty when all is well.</summary>
    private static List<string> Reasons(QueueStatus queue, UploadStatus upload, DiskStatusView disk, bool nothingToEvict)
    {
        var reasons = new List<string>();
        if (disk.BelowReserve)
            reasons.Add("disk below reserve: new instances are refused");
        foreach (var (name, circuit) in upload.Circuits)
            if (circuit == "open")
                reasons.Add($"upload endpoint {name} unavailable");
        if (upload.Paused)
            reasons.Add("uploads paused by an operator");
        if (queue.Failed > 0)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{queue.Failed} failed instance{(queue.Failed == 1 ? "" : "s")}"));
        // Claimed by an erasure: normal for the seconds one runs; if it stays, the erasure stopped half-way (a bucket
        // refused, the gateway stopped) and only the same request, given again, can finish it (it needs the patient ID).
        if (queue.Erasing > 0)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{queue.Erasing} instances held by an unfinished erasure: if this stays, give the erase-patient request again"));
        // Above the mark, retention evicts verified copies by itself: a person is needed only when nothing is left to evict.
        if (disk.UsedPercent >= disk.HighWaterPercent && nothingToEvict)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"disk {disk.UsedPercent}% used, above the high-water mark with nothing left to evict"));
        return reasons;
    }
}
