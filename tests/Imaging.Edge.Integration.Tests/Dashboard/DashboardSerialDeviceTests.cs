using Imaging.Edge.Integration.Tests.Infrastructure;
using Imaging.Edge.Integration.Tests.Serial;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>
/// The page and the real gateway with one serial device on a socat pty pair (a refractor, shipped profile
/// nidek-rt5100): the detail panel lists the device from the gateway's status as its link changes.
/// </summary>
public sealed class DashboardSerialDeviceTests
{
    [Fact]
    public async Task The_detail_panel_lists_the_real_gateways_device_connected_then_its_last_frame_then_disconnected_with_an_alert()
    {
        using var folder = new TemporaryDirectory();
        await using var broker = await DashboardBroker.StartAsync(folder);
        await using var scene = await SerialScene.StartAsync("nidek-rt5100", environment: new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Gateway__SiteId"] = "site-t",
            ["IMAGING_EDGE__Gateway__GatewayId"] = "gw-t",
            ["IMAGING_EDGE__Mqtt__Host"] = "127.0.0.1",
            ["IMAGING_EDGE__Mqtt__Port"] = Text(broker.MqttPort),
            // the periodic status is ten minutes away: the page learns of the device from the statuses its changes
            // publish (a device not connected is one of the reasons; a message stored changes the queue)
            ["IMAGING_EDGE__Mqtt__HeartbeatSeconds"] = "600",
        });
        await using var page = await DashboardPage.OpenAsync(broker.WebSocketPort, folder.Combine("chromium"));
        await page.WaitForRowAsync("site-t/gw-t", r => r["rowState"] != "unknown", "the gateway's status");
        await page.ClickAsync("tr[data-gateway='site-t/gw-t'] button.open");

        // cells: device, state, connected, last frame, messages
        await WaitForDeviceAsync(page, "d[1] === 'connected' && d[2] === 'yes' && d[3] === '–' && d[4] === '0'", "the device connected, no frame yet");

        var capture = await File.ReadAllBytesAsync(Repository.File("hardware-profiles", "captures", "nidek-rt5100", "both-eyes.cap"));
        await using (var line = scene.Cable!.OpenDeviceEnd())
        {
            await line.WriteAsync(capture);
            await line.FlushAsync();
        }
        var played = await WaitForDeviceAsync(page, "d[1] === 'connected' && d[2] === 'yes' && / s ago$/.test(d[3]) && d[4] === '1'", "the device's last frame and message");
        Assert.Matches(@"^\d+ s ago$", played[3].GetString());

        scene.Unplug();
        await WaitForDeviceAsync(page, "d[1] === 'disconnected' && d[2] === 'no'", "the device disconnected");
        var alert = await page.WaitForAsync($"document.querySelector(\"#alert-list li[data-rule='device-disconnected']\")?.textContent.includes('{SerialScene.DeviceName}') && document.querySelector(\"#alert-list li[data-rule='device-disconnected']\").textContent", "the device-disconnected alert");
        Assert.Contains("device disconnected", alert.GetString(), StringComparison.Ordinal);
    }

    /// <summary>The device's row of the detail panel, as text, once <paramref name="condition"/> (over its cells d) holds.</summary>
    private static async Task<System.Text.Json.JsonElement> WaitForDeviceAsync(DashboardPage page, string condition, string what) =>
        await page.WaitForAsync($$"""
            (() => {
              const d = [...document.querySelectorAll('#detail-devices tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent))
                .find((cells) => cells[0] === '{{SerialScene.DeviceName}}');
              return d && ({{condition}}) ? d : null;
            })()
            """, what);
}
