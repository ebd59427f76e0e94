using Imaging.Edge.Gateway.Serial;

namespace Imaging.Edge.Gateway.Health;

/// <summary>
/// What the gateway tells operations about itself (docs/telemetry.md, "status"): published on MQTT, answered to the
/// <c>status</c> command and printed by <c>imaging-edge status</c>. Counts and states only — no patient data.
/// </summary>
internal sealed record GatewayStatus(
    string Site,
    string Gateway,
    string State,
    IReadOnlyList<string> Reasons,
    string Version,
    long UptimeSeconds,
    QueueStatus Queue,
    UploadStatus Upload,
    ReceiveStatus Receive,
    DiskStatusView Disk,
    IReadOnlyList<DeviceStatus> Devices,
    TelemetryCounters Telemetry)
{
    public const string Online = "online";
    public const string Degraded = "degraded";
    public const string Offline = "offline";
}

/// <param name="Evicted">Uploaded instances whose local copy retention has deleted (docs/retention.md).</param>
internal sealed record QueueStatus(long Pending, long Uploading, long Failed, long Uploaded, long BytesPending, long? OldestPendingAgeSeconds, long Evicted = 0, long Erasing = 0);

internal sealed record UploadStatus(bool Paused, long BytesPerSecond, DateTimeOffset? LastSuccess, string Endpoint, IReadOnlyDictionary<string, string> Circuits);

internal sealed record ReceiveStatus(int ActiveAssociations, long InstancesToday);

internal sealed record DiskStatusView(long FreeBytes, double UsedPercent, long ReserveBytes, bool BelowReserve, int HighWaterPercent);

/// <summary>What telemetry itself had to leave out.</summary>
internal sealed record TelemetryCounters(long EventsDropped, long LogsDropped);
