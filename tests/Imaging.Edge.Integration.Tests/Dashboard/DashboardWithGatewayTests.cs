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
        var mqttPort = GatewayProcess.FreePort();
        var webSocketPort = GatewayProcess.FreePort();
        while (webSocketPort == mqttPort) webSocketPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"), webSocketPort);
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
}
