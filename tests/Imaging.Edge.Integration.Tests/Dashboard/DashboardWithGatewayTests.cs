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

    [Fact]
    public async Task Erase_patient_is_offered_only_with_a_loaded_key_the_gateway_knows_and_the_page_signs_it_with_WebCrypto()
    {
        using var folder = new TemporaryDirectory();
        using var alice = new OperatorKey("alice");
        await using var broker = await DashboardBroker.StartAsync(folder);
        var publicKey = folder.Combine("alice.pub.pem");
        await File.WriteAllTextAsync(publicKey, alice.PublicKeyPem);
        var (gateway, _) = await TelemetryGateway.StartAsync(folder, broker.MqttPort, new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Mqtt__Commands__AllowDestructive"] = "true",
            ["IMAGING_EDGE__Mqtt__Commands__Operators__0__Name"] = "alice",
            ["IMAGING_EDGE__Mqtt__Commands__Operators__0__PublicKeyFile"] = publicKey,
        });
        await using var owned = gateway;
        await using var page = await DashboardPage.OpenAsync(broker.WebSocketPort, folder.Combine("chromium"), username: "alice");
        await page.WaitForRowAsync("site-t/gw-t", r => r["rowState"] == "online", "the gateway online");
        await page.ClickAsync("tr[data-gateway='site-t/gw-t'] button.open");
        await page.WaitForAsync("document.querySelector('#erase-why').textContent === 'erase-patient: load a signing key to offer it'", "erase-patient held back without a key");
        Assert.True((await page.EvaluateAsync("document.querySelector('#erase-form').hidden")).GetBoolean());

        // the operator names the key and picks its PEM file (DevTools sets the file input as a person's choice would)
        var privateKey = folder.Combine("alice.key.pem");
        await File.WriteAllTextAsync(privateKey, alice.PrivateKeyPem);
        await page.EvaluateAsync("document.getElementById('key-operator').value = 'alice'");
        var document = await page.CallAsync("DOM.getDocument");
        var input = await page.CallAsync("DOM.querySelector", new() { ["nodeId"] = document.GetProperty("root").GetProperty("nodeId").GetInt32(), ["selector"] = "#key-file" });
        await page.CallAsync("DOM.setFileInputFiles", new() { ["nodeId"] = input.GetProperty("nodeId").GetInt32(), ["files"] = new System.Text.Json.Nodes.JsonArray(privateKey) });
        await page.WaitForAsync("document.getElementById('key-state').textContent === 'key of alice loaded' && !document.querySelector('#erase-form').hidden", "erase-patient offered with alice's key");

        await page.EvaluateAsync("window.confirm = () => true"); // the page asks before erasing; the test says yes
        await page.EvaluateAsync("(() => { const f = document.getElementById('erase-form'); f.elements.patientId.value = 'PAT-4711'; f.requestSubmit(); })()");
        var answer = await page.WaitForAsync("document.getElementById('detail-answer').dataset.kind !== 'waiting' && document.getElementById('detail-answer').textContent", "the erase-patient answer");
        Assert.StartsWith("ok", answer.GetString(), StringComparison.Ordinal);
        Assert.Equal("", (await page.EvaluateAsync("document.getElementById('erase-form').elements.patientId.value")).GetString());
        Assert.Equal(1L, TelemetryGateway.Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'erase-patient' AND actor = 'mqtt:signed:alice' AND result NOT LIKE 'error%';"));
    }
}
