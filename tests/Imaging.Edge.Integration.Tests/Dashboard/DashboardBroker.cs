using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>A Mosquitto with a TCP listener (gateways, fake fleets) and a WebSocket listener (the page), on two free ports.</summary>
internal sealed record DashboardBroker(MosquittoProcess Process, int MqttPort, int WebSocketPort) : IAsyncDisposable
{
    public static async Task<DashboardBroker> StartAsync(TemporaryDirectory folder)
    {
        var mqttPort = GatewayProcess.FreePort();
        var webSocketPort = GatewayProcess.FreePort();
        while (webSocketPort == mqttPort) webSocketPort = GatewayProcess.FreePort();
        return new DashboardBroker(await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"), webSocketPort), mqttPort, webSocketPort);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
