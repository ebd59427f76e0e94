using System.Text.Json;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>
/// The ops view in real headless Chromium against a real Mosquitto (MQTT over WebSocket), with the fleet faked on
/// the broker: the page must list what gateways publish, escape it, and send commands the gateway can answer.
/// </summary>
public sealed class DashboardTests
{
    private const string Hostile = "<img src=x onerror=window.__xss=1>";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // built when published: its last upload must be 5 minutes old then, however long earlier tests took
    private static string Degraded() => JsonSerializer.Serialize(new
    {
        schemaVersion = 1, ts = "2026-11-29T10:15:02.120Z", seq = 57, site = "site-a", gateway = "gw-1", state = "degraded",
        reasons = new[] { "upload endpoint primary unavailable", "3 failed instances", Hostile },
        version = "1.0.0", uptimeSeconds = 86400,
        queue = new { pending = 120, uploading = 4, failed = 3, bytesPending = 734003200L, oldestPendingAgeSeconds = 7260 },
        upload = new { paused = false, bytesPerSecond = 5242880, lastSuccess = DateTime.UtcNow.AddMinutes(-5).ToString("O"), endpoint = "backup",
            circuits = new { primary = "open", backup = "closed" } },
        disk = new { freeBytes = 51539607552L, usedPercent = 41.7, reserveBytes = 536870912, belowReserve = false, highWaterPercent = 85 },
    });

    private const string Offline = """
        { "schemaVersion": 1, "ts": "2026-11-29T10:20:00.000Z", "seq": 0, "site": "site-b", "gateway": "gw-2", "state": "offline", "reason": "connection lost" }
        """;

    [Fact]
    public async Task Lists_every_gateway_with_state_queue_alerts_and_shows_payload_markup_as_text()
    {
        using var folder = new TemporaryDirectory();
        var (mqttPort, webSocketPort) = TwoFreePorts();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"), webSocketPort);
        await using var fleet = await FakeFleet.ConnectAsync(mqttPort);
        await fleet.PublishStatusAsync("site-a", "gw-1", Degraded());
        await fleet.PublishStatusAsync("site-b", "gw-2", Offline);
        await using var page = await DashboardPage.OpenAsync(webSocketPort, folder.Combine("chromium"));

        // events and heartbeats are not retained: the page sees them only once it is subscribed (OpenAsync waits)
        await fleet.PublishEventAsync("site-a", "gw-1", """{ "schemaVersion": 1, "ts": "2026-11-29T10:15:01.877Z", "seq": 90211, "type": "upload.failed", "data": { "study": "9f2c4b0e6a1d7c3e5b8a0f1e2d3c4b5a", "error": "AccessDenied" } }""");
        await fleet.PublishEventAsync("site-a", "gw-1", """{ "schemaVersion": 1, "ts": "2026-11-29T10:15:01.900Z", "seq": 90212, "type": "events.dropped", "data": { "count": 12 } }""");
        await fleet.PublishHeartbeatAsync("site-a", "gw-1", """{ "schemaVersion": 1, "ts": "2026-11-29T10:15:02.000Z", "seq": 1442, "state": "degraded", "uptimeSeconds": 86400, "queue": { "pending": 120, "failed": 3 } }""");
        var degraded = await page.WaitForRowAsync("site-a/gw-1",
            r => r["alerts"].Contains("upload.failed", StringComparison.Ordinal) && r["alerts"].Contains("events.dropped", StringComparison.Ordinal) && r["heartbeat"].EndsWith(" ago", StringComparison.Ordinal),
            "the upload.failed and events.dropped alerts and the heartbeat");
        var offline = await page.WaitForRowAsync("site-b/gw-2", r => r["state"] == "offline", "state offline");

        Assert.Equal("degraded", degraded["state"]);
        Assert.Equal("degraded", degraded["rowState"]);
        Assert.Equal("120", degraded["pending"]);
        Assert.Equal("3", degraded["failed"]);
        Assert.Equal("700.0 MiB", degraded["bytes"]);
        Assert.Equal("2 h 1 min", degraded["oldest"]);
        Assert.Matches("^[56] min ago$", degraded["lastUpload"]);
        Assert.Equal("to backup\ncircuits: primary open, backup closed", degraded["upload"]);
        Assert.Equal("41.7 % used", degraded["disk"]);
        Assert.Contains("degraded: upload endpoint primary unavailable", degraded["alerts"], StringComparison.Ordinal);
        Assert.Contains("3 failed", degraded["alerts"].Split('\n'));
        Assert.Contains("upload.failed (AccessDenied)", degraded["alerts"], StringComparison.Ordinal);
        Assert.Contains("events.dropped (12 dropped)", degraded["alerts"], StringComparison.Ordinal);

        Assert.Equal("offline", offline["rowState"]);
        Assert.Equal("connection lost", offline["reasons"]);
        Assert.Equal("offline: connection lost", offline["alerts"]);
        Assert.Equal("–", offline["failed"]);

        // the hostile reason is shown verbatim as text, and no element was made of it
        Assert.Contains(Hostile, degraded["reasons"].Split('\n'));
        Assert.Equal(0, (await page.EvaluateAsync("document.querySelectorAll('img').length")).GetInt32());
        Assert.Equal("undefined", (await page.EvaluateAsync("typeof window.__xss")).GetString());
        var order = await page.EvaluateAsync("[...document.querySelectorAll('#gateways tbody tr')].map((r) => r.dataset.gateway).join(',')");
        Assert.Equal("site-a/gw-1,site-b/gw-2", order.GetString());
    }

    [Fact]
    public async Task A_password_in_the_address_is_ignored_and_removed_from_it()
    {
        using var folder = new TemporaryDirectory();
        var (mqttPort, webSocketPort) = TwoFreePorts();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"), webSocketPort);
        await using var page = await DashboardPage.OpenAsync(webSocketPort, folder.Combine("chromium"), username: "alice", extraQuery: "&password=s3cret-in-url");

        Assert.False((await page.EvaluateAsync("location.href")).GetString()!.Contains("s3cret", StringComparison.Ordinal), "the password stays in the address bar");
        Assert.Equal("", (await page.EvaluateAsync("document.getElementById('settings').elements.password.value")).GetString());
        Assert.Contains("username=alice", (await page.EvaluateAsync("location.search")).GetString(), StringComparison.Ordinal);
        Assert.False((await page.EvaluateAsync("document.getElementById('url-password').hidden")).GetBoolean(), "the operator is told why");
    }

    [Fact]
    public async Task Command_buttons_send_MQTT5_requests_and_show_the_answer_matched_by_correlation_data()
    {
        using var folder = new TemporaryDirectory();
        var (mqttPort, webSocketPort) = TwoFreePorts();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"), webSocketPort);
        await using var fleet = await FakeFleet.ConnectAsync(mqttPort);
        await fleet.PublishStatusAsync("site-a", "gw-1", Degraded());
        await fleet.PublishStatusAsync("site-b", "gw-2", Offline);
        await using var page = await DashboardPage.OpenAsync(webSocketPort, folder.Combine("chromium"), username: "alice");
        await page.WaitForRowAsync("site-a/gw-1", r => r["failed"] == "3", "3 failed");

        await page.ClickAsync("button[data-command='site-a/gw-1/retry-failed']");
        var request = await fleet.WaitForCommandAsync($"{FakeFleet.Root}/site-a/gw-1/cmd/retry-failed", Patience);

        Assert.NotNull(request.ResponseTopic);
        var clientId = Assert.Single(System.Text.RegularExpressions.Regex.Matches(request.ResponseTopic, $"^{FakeFleet.Root}/dashboard/(dashboard-[0-9a-f]+)/responses$")).Groups[1].Value;
        Assert.Equal(16, request.CorrelationData.Length);
        Assert.Equal(clientId, request.UserProperties["client-id"]);
        Assert.Equal("alice", request.UserProperties["username"]);
        var body = JsonDocument.Parse(request.Payload).RootElement;
        Assert.False(string.IsNullOrEmpty(body.GetProperty("requestId").GetString()));
        Assert.Equal("dashboard:alice", body.GetProperty("actor").GetString());
        Assert.Equal(JsonValueKind.Object, body.GetProperty("args").ValueKind);
        Assert.Empty(body.GetProperty("args").EnumerateObject());
        var requestId = body.GetProperty("requestId").GetString();

        // an answer carrying other correlation data is someone else's: counted, not shown against the gateway
        var other = request.CorrelationData.Select(b => (byte)~b).ToArray();
        await fleet.AnswerAsync(request.ResponseTopic, other, """{ "schemaVersion": 1, "ts": "2026-11-29T10:15:03.000Z", "seq": 2, "requestId": "x", "command": "retry-failed", "ok": false, "error": { "code": "failed", "message": "not yours" } }""");
        await page.WaitForAsync("document.querySelector('#unmatched').textContent.endsWith(': 1')", "one unmatched answer");
        Assert.Equal("retry-failed: sent …", (await page.RowAsync("site-a/gw-1"))!["answer"]);

        await fleet.AnswerAsync(request.ResponseTopic, request.CorrelationData, $$"""{ "schemaVersion": 1, "ts": "2026-11-29T10:15:03.100Z", "seq": 3, "requestId": "{{requestId}}", "command": "retry-failed", "ok": true, "result": { "retried": 3 } }""");
        var answered = await page.WaitForRowAsync("site-a/gw-1", r => r["answer"] != "retry-failed: sent …", "the answer");
        Assert.Equal("retry-failed: ok {\"retried\":3}", answered["answer"]);

        // a refusal shows the gateway's message, as text, against the right gateway only
        await page.ClickAsync("button[data-command='site-b/gw-2/pause-uploads']");
        var pause = await fleet.WaitForCommandAsync($"{FakeFleet.Root}/site-b/gw-2/cmd/pause-uploads", Patience);
        Assert.Equal(request.ResponseTopic, pause.ResponseTopic);
        Assert.NotEqual(request.CorrelationData, pause.CorrelationData);
        await fleet.AnswerAsync(pause.ResponseTopic!, pause.CorrelationData, $$"""{ "schemaVersion": 1, "ts": "2026-11-29T10:15:04.000Z", "seq": 4, "requestId": "y", "command": "pause-uploads", "ok": false, "error": { "code": "unavailable", "message": "{{JsonEncodedText.Encode(Hostile)}}" } }""");
        var refused = await page.WaitForRowAsync("site-b/gw-2", r => r["answer"] != "pause-uploads: sent …", "the refusal");
        Assert.Equal($"pause-uploads: failed: {Hostile}", refused["answer"]);
        Assert.Equal("retry-failed: ok {\"retried\":3}", (await page.RowAsync("site-a/gw-1"))!["answer"]);
        Assert.Equal(0, (await page.EvaluateAsync("document.querySelectorAll('img').length")).GetInt32());
    }

    private static (int Mqtt, int WebSocket) TwoFreePorts()
    {
        var mqtt = GatewayProcess.FreePort();
        var webSocket = GatewayProcess.FreePort();
        while (webSocket == mqtt) webSocket = GatewayProcess.FreePort();
        return (mqtt, webSocket);
    }
}
