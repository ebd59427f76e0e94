using System.Text.Json;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>Alert rules raised from events and status, acknowledged on one page (retained under the operator's topic) and seen acknowledged on another.</summary>
public sealed class DashboardAlertTests
{
    private const string Hostile = "<img src=x onerror=window.__xss=1>";

    private static string Status(string site, string gateway) => JsonSerializer.Serialize(new
    {
        schemaVersion = 1, ts = DateTime.UtcNow.ToString("O"), seq = 1, site, gateway, state = "degraded",
        reasons = new[] { "upload endpoint primary unavailable" }, version = "1.0.0", uptimeSeconds = 60,
        queue = new { pending = 4, uploading = 0, failed = 0, uploaded = 10, evicted = 0, erasing = 2, bytesPending = 4096, oldestPendingAgeSeconds = 30 },
        upload = new { paused = false, bytesPerSecond = 0, lastSuccess = (string?)null, endpoint = "backup", circuits = new { primary = "open", backup = "closed" } },
        disk = new { freeBytes = 1000, usedPercent = 99.0, reserveBytes = 5000, belowReserve = true, highWaterPercent = 85 },
        devices = new[] { new { name = "bg-icu-1", port = "/dev/ttyUSB0", connected = false, state = "disconnected", reason = Hostile } },
    });

    [Fact]
    public async Task Alerts_are_raised_by_the_rules_acknowledged_retained_and_seen_acknowledged_on_a_second_page()
    {
        using var folder = new TemporaryDirectory();
        await using var broker = await DashboardBroker.StartAsync(folder);
        var (mqttPort, webSocketPort) = (broker.MqttPort, broker.WebSocketPort);
        await using var fleet = await FakeFleet.ConnectAsync(mqttPort);
        await fleet.PublishStatusAsync("site-a", "gw-1", Status("site-a", "gw-1"));
        // circuitOpenMinutes=0: an open circuit alerts at once instead of after 10 minutes
        await using var first = await DashboardPage.OpenAsync(webSocketPort, folder.Combine("chromium-1"), username: "alice", extraQuery: "&circuitOpenMinutes=0");
        for (var i = 0; i < 3; i++)
            await fleet.PublishEventAsync("site-a", "gw-1", $$"""{ "schemaVersion": 1, "ts": "{{DateTime.UtcNow:O}}", "seq": {{100 + i}}, "type": "upload.failed", "data": { "study": "9f2c4b0e6a1d7c3e5b8a0f1e2d3c4b5a", "instance": {{i}}, "error": "AccessDenied" } }""");

        var rules = await first.WaitForAsync("(() => { const r = [...document.querySelectorAll('#alert-list li')].map((li) => li.dataset.rule).sort(); return r.includes('upload-failed') ? r : null; })()", "the upload.failed burst alert");
        Assert.Equal(["circuit-open", "device-disconnected", "disk-reserve", "erasure-unfinished", "upload-failed"], rules.EnumerateArray().Select(e => e.GetString()));
        var device = "#alert-list li[data-rule='device-disconnected']";
        Assert.Contains(Hostile, (await first.EvaluateAsync($"document.querySelector(\"{device} .text\").textContent")).GetString(), StringComparison.Ordinal);
        // the link leads to a runbook beside the page that has the section (the package installs the page alone)
        var runbook = new Uri((await first.EvaluateAsync($"document.querySelector(\"{device} a\").href")).GetString()!);
        Assert.Equal("#what-each-reason-means-and-what-to-do", runbook.Fragment);
        Assert.Contains("\n## What each reason means and what to do\n", File.ReadAllText(runbook.LocalPath), StringComparison.Ordinal);
        Assert.Equal("5", (await first.EvaluateAsync("document.querySelector('#summary [data-count=\"alerts\"]').textContent")).GetString());

        await first.ClickAsync($"{device} button.ack");
        await first.WaitForAsync($"document.querySelector(\"{device}\").dataset.acked === 'yes'", "the device alert acknowledged");
        Assert.Equal("4", (await first.EvaluateAsync("document.querySelector('#summary [data-count=\"alerts\"]').textContent")).GetString());

        // another console, opened later, learns the acknowledgement from the retained message
        await using var acks = await MosquittoSubscriber.ConnectAsync(mqttPort, $"{FakeFleet.Root}/ops/+/acks/#");
        var ack = Assert.Single(await WaitForRetainedAsync(acks));
        Assert.Equal($"{FakeFleet.Root}/ops/alice/acks/site-a/gw-1/device-disconnected/bg-icu-1", ack.Topic);
        await using var second = await DashboardPage.OpenAsync(webSocketPort, folder.Combine("chromium-2"), username: "bob", extraQuery: "&circuitOpenMinutes=0");
        var seen = await second.WaitForAsync($"document.querySelector(\"{device}\")?.dataset.acked === 'yes' && document.querySelector(\"{device} .by\").textContent", "the acknowledgement on the second page");
        Assert.Equal("acknowledged by alice", seen.GetString());
        Assert.Equal("no", (await second.EvaluateAsync("document.querySelector(\"#alert-list li[data-rule='disk-reserve']\").dataset.acked")).GetString());
        Assert.Equal(0, (await second.EvaluateAsync("document.querySelectorAll('img').length")).GetInt32());

        // the summary's alert number filters the table to gateways with open alerts
        await second.ClickAsync("#summary button[data-filter='alerts']");
        Assert.Equal(1, (await second.EvaluateAsync("[...document.querySelectorAll('#gateways tbody tr[data-gateway]')].filter((r) => !r.hidden).length")).GetInt32());
    }

    private static async Task<List<(string Topic, string Payload, bool Retained)>> WaitForRetainedAsync(MosquittoSubscriber subscriber)
    {
        for (var i = 0; i < 100 && subscriber.Messages.Count == 0; i++) await Task.Delay(100);
        return subscriber.Messages.Where(m => m.Retained).ToList();
    }
}
