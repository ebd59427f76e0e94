using Imaging.Edge.Integration.Tests.Infrastructure;
using Imaging.Edge.Integration.Tests.Telemetry;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>The page, the broker and the real gateway together: what an operator sees and does is what the gateway does.</summary>
public sealed class DashboardWithGatewayTests
{
    [Fact]
    public async Task The_page_shows_the_real_gateway_and_its_pause_button_pauses_uploads_with_an_audited_answer()
    {
        using var folder = new TemporaryDirectory();
        await using var broker = await DashboardBroker.StartAsync(folder);
        var (mqttPort, webSocketPort) = (broker.MqttPort, broker.WebSocketPort);
        var (gateway, _) = await TelemetryGateway.StartAsync(folder, mqttPort);
        await using var owned = gateway;
        await using var page = await DashboardPage.OpenAsync(webSocketPort, folder.Combine("chromium"), username: "alice");

        var online = await page.WaitForRowAsync("site-t/gw-t", r => r["rowState"] == "online", "the gateway online");
        await page.ClickAsync("button[data-command='site-t/gw-t/pause-uploads']");
        var answered = await page.WaitForRowAsync("site-t/gw-t", r => r["answer"].StartsWith("pause-uploads: ok", StringComparison.Ordinal), "the gateway's answer");
        var degraded = await page.WaitForRowAsync("site-t/gw-t", r => r["rowState"] == "degraded", "the paused gateway degraded");

        Assert.Equal("online", online["rowState"]);
        Assert.Contains("\"paused\":true", answered["answer"], StringComparison.Ordinal);
        Assert.Contains("uploads paused by an operator", degraded["reasons"], StringComparison.Ordinal);
        Assert.Equal(1L, TelemetryGateway.Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'pause-uploads' AND actor LIKE 'mqtt:unverified (claimed dashboard-%/alice)';"));
    }

    [Fact]
    public async Task A_reloaded_page_draws_the_gateways_retained_history_and_its_detail_panel_shows_the_events()
    {
        using var folder = new TemporaryDirectory();
        await using var broker = await DashboardBroker.StartAsync(folder);
        var (mqttPort, webSocketPort) = (broker.MqttPort, broker.WebSocketPort);
        var (gateway, _) = await TelemetryGateway.StartAsync(folder, mqttPort);
        await using var owned = gateway;
        await using (var history = await MosquittoSubscriber.ConnectAsync(mqttPort, TelemetryGateway.Prefix + "/history"))
            await history.WaitForAsync(TelemetryGateway.Prefix + "/history", j => j.GetProperty("points").GetArrayLength() >= 1, TimeSpan.FromSeconds(45));

        await using (var page = await DashboardPage.OpenAsync(webSocketPort, folder.Combine("chromium-1"), username: "alice"))
        {
            await page.WaitForRowAsync("site-t/gw-t", r => r["rowState"] == "online", "the gateway online");
            await page.ClickAsync("button[data-command='site-t/gw-t/pause-uploads']"); // before the panel covers the row's buttons
            await page.ClickAsync("tr[data-gateway='site-t/gw-t'] button.open");
            // the detail panel lists the gateway's events as they come: the audit event of the command just given
            var events = await page.WaitForAsync("document.querySelector('#detail-events').textContent.includes('command.executed') && document.querySelector('#detail-events').textContent", "the command.executed event in the detail panel");
            Assert.Contains("pause-uploads", events.GetString(), StringComparison.Ordinal);
            Assert.Contains("devices", (await page.EvaluateAsync("document.querySelector('#detail-status').textContent")).GetString(), StringComparison.Ordinal);
            Assert.Equal("erase-patient: off on this gateway (Mqtt:Commands:AllowDestructive)", (await page.EvaluateAsync("document.querySelector('#erase-why').textContent")).GetString());
            Assert.True((await page.EvaluateAsync("document.querySelector('#erase-form').hidden")).GetBoolean(), "erase-patient offered on a gateway that refuses it");
        }

        // a page opened afresh: before any heartbeat of its own, the trend starts with the retained history's points
        await using var reloaded = await DashboardPage.OpenAsync(webSocketPort, folder.Combine("chromium-2"), username: "alice");
        await reloaded.WaitForRowAsync("site-t/gw-t", r => r["rowState"] is "online" or "degraded", "the gateway");
        var drawn = await reloaded.WaitForAsync("(() => { const s = document.querySelector(\"tr[data-gateway='site-t/gw-t'] svg.spark.backlog\"); return Number(s.dataset.fromHistory) >= 1 && s.querySelector('polyline').getAttribute('points') && s.dataset.values; })()", "the history in the sparkline");
        Assert.False(string.IsNullOrEmpty(drawn.GetString()));
        await reloaded.ClickAsync("tr[data-gateway='site-t/gw-t'] button.open");
        await reloaded.WaitForAsync("[...document.querySelectorAll('#detail-charts svg')].every((s) => Number(s.dataset.fromHistory) >= 1)", "the history in the detail charts (backlog, rate, disk)");
    }
}
