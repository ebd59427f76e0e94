using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Hosting;

/// <summary>
/// Port 104 without a capability: systemd binds the DICOM port (imaging-edge.socket) and hands the listening socket
/// over; here <c>systemd-socket-activate</c> plays systemd. The gateway accepts on the handed-over socket, not on
/// Dicom:Port.
/// </summary>
public sealed class SocketActivationTests
{
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_handed_over_socket_receives_associations_and_dicom_port_is_not_bound()
    {
        using var folder = new TemporaryDirectory();
        var activated = GatewayProcess.FreePort();
        var configured = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.StartSocketActivated(activated, ["run"], new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Dicom__Port"] = Text(configured),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
            ["IMAGING_EDGE__Gateway__DataDir"] = folder.Combine("var"),
        }, folder.Path);

        await WaitForListeningAsync(activated); // systemd-socket-activate binds after it has started
        // The first connection starts the gateway (as systemd would on a connection to the socket); echoscu's waits in
        // the socket's queue until the gateway, after its recovery, accepts it.
        var echo = await ProcessRunner.RunAsync("echoscu", ["-to", "60", "-aec", "IMAGING_EDGE", "127.0.0.1", Text(activated)], TimeSpan.FromSeconds(90));
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(activated), PydicomCorpus.File("CT_small.dcm")], TimeSpan.FromSeconds(60));
        var configuredPort = await ProcessRunner.RunAsync("echoscu", ["-to", "5", "-aec", "IMAGING_EDGE", "127.0.0.1", Text(configured)], TimeSpan.FromSeconds(30));

        Assert.True(echo.ExitCode == 0, echo.Output + gateway.Output);
        Assert.True(store.ExitCode == 0, store.Output + gateway.Output);
        Assert.NotEqual(0, configuredPort.ExitCode); // Dicom:Port was not bound: the socket from systemd won
        Assert.Contains($"127.0.0.1:{activated}", gateway.Output, StringComparison.Ordinal);
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Waits until a socket listens on 127.0.0.1:<paramref name="port"/> (/proc/net/tcp, state 0A), without connecting to it.</summary>
    private static async Task WaitForListeningAsync(int port)
    {
        var local = "0100007F:" + port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            if (File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Any(f => f.Length > 3 && f[1] == local && f[3] == "0A")) return;
        }
        Assert.Fail($"nothing listens on 127.0.0.1:{port} after 30 s");
    }
}
