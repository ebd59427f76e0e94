using System.Text.Json;
using Imaging.Edge.Gateway.Health;
using Imaging.Edge.Gateway.Serial;
using Imaging.Edge.Gateway.Telemetry;

namespace Imaging.Edge.Gateway.Tests.Telemetry;

public sealed class TelemetryHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static GatewayStatus Status(long pending, long uploaded, long bytesPerSecond, long failed = 0, long evicted = 0, double disk = 40) => new(
        "site", "gw", GatewayStatus.Online, [], "1.0.0", 1,
        new QueueStatus(pending, 0, failed, uploaded, pending * 1000, pending > 0 ? 30 : null, evicted),
        new UploadStatus(false, bytesPerSecond, null, "primary", new Dictionary<string, string>()),
        new ReceiveStatus(0, 0),
        new DiskStatusView(1, disk, 1, false, 85),
        Array.Empty<DeviceStatus>(),
        new TelemetryCounters(0, 0));

    private static List<JsonElement> Points(TelemetryHistory history) =>
        JsonDocument.Parse(history.Payload(Start, 1, false, [])).RootElement.GetProperty("points").EnumerateArray().ToList();

    [Fact]
    public void A_minute_closes_when_a_reading_of_the_next_one_arrives_and_keeps_last_backlog_mean_rate_and_uploads_in_it()
    {
        var history = new TelemetryHistory();

        Assert.False(history.Observe(Start.AddSeconds(1), Status(pending: 10, uploaded: 100, bytesPerSecond: 1000)));
        Assert.False(history.Observe(Start.AddSeconds(31), Status(pending: 6, uploaded: 104, bytesPerSecond: 3000, failed: 2)));
        Assert.True(history.Observe(Start.AddSeconds(61), Status(pending: 5, uploaded: 103, bytesPerSecond: 0, evicted: 3, disk: 41.26)));

        var points = Points(history);
        Assert.Equal(2, points.Count);
        Assert.Equal("2026-11-29T10:00:00.000Z", points[0].GetProperty("ts").GetString());
        Assert.Equal(6, points[0].GetProperty("pending").GetInt64());
        Assert.Equal(4, points[0].GetProperty("uploaded").GetInt64());
        Assert.Equal(2000, points[0].GetProperty("bytesPerSecond").GetInt64());
        Assert.Equal(2, points[0].GetProperty("failed").GetInt64());
        // 3 uploaded copies evicted and 2 more uploaded: 2 uploads in the minute, not -1
        Assert.Equal("2026-11-29T10:01:00.000Z", points[1].GetProperty("ts").GetString());
        Assert.Equal(2, points[1].GetProperty("uploaded").GetInt64());
        Assert.Equal(41.3, points[1].GetProperty("diskUsedPercent").GetDouble());
    }

    [Fact]
    public void Keeps_the_last_sixty_minutes_only()
    {
        var history = new TelemetryHistory();
        for (var minute = 0; minute < 75; minute++)
            history.Observe(Start.AddMinutes(minute), Status(pending: minute, uploaded: 0, bytesPerSecond: 0));

        var points = Points(history);
        Assert.Equal(TelemetryHistory.Capacity, points.Count);
        Assert.Equal(15, points[0].GetProperty("pending").GetInt64());
        Assert.Equal(74, points[^1].GetProperty("pending").GetInt64());
    }
}
