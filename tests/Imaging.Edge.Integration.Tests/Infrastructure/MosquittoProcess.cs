using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>A Mosquitto broker (Debian package mosquitto) on 127.0.0.1 and the given port(s), in memory only.</summary>
internal sealed class MosquittoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private MosquittoProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// Starts the broker and waits until it accepts connections: MQTT over TCP on <paramref name="port"/> and,
    /// when <paramref name="webSocketPort"/> is given, MQTT over WebSocket there too (both on 127.0.0.1 only).
    /// <paramref name="persistent"/>: sessions and queued QoS 1 messages are saved in <paramref name="folder"/> on a
    /// clean stop and restored by the next start there. <paramref name="extraConfig"/> is appended (e.g. a TLS listener).
    /// </summary>
    public static async Task<MosquittoProcess> StartAsync(int port, string folder, int? webSocketPort = null, bool persistent = false, string extraConfig = "")
    {
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "mosquitto.conf");
        var lines = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"listener {port} 127.0.0.1")
            .AppendLine("allow_anonymous true")
            .AppendLine(persistent ? "persistence true" : "persistence false")
            .AppendLine(CultureInfo.InvariantCulture, $"persistence_location {folder}/")
            .AppendLine("log_dest stderr");
        if (webSocketPort is { } ws)
        {
            // Mosquitto 2.0 ignores a WebSocket listener's bind address (and listens on every interface)
            // unless the listener also names its socket domain.
            lines.AppendLine(CultureInfo.InvariantCulture, $"listener {ws} 127.0.0.1")
                .AppendLine("protocol websockets")
                .AppendLine("socket_domain ipv4");
        }
        lines.Append(extraConfig);
        if (Environment.UserName == "root") lines.AppendLine("user root");
        await File.WriteAllTextAsync(config, lines.ToString());
        var start = new ProcessStartInfo("mosquitto") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(config);
        var broker = new MosquittoProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start mosquitto"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (broker._process.HasExited)
                Assert.Fail($"mosquitto exited with {broker._process.ExitCode}:\n{broker.Output}");
            try
            {
                foreach (var listening in webSocketPort is { } w ? [port, w] : new[] { port })
                {
                    using var client = new System.Net.Sockets.TcpClient();
                    await client.ConnectAsync(System.Net.IPAddress.Loopback, listening);
                }
                return broker;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }
        Assert.Fail($"mosquitto did not listen on {port} {webSocketPort}:\n{broker.Output}");
        return broker;
    }

    /// <summary>A clean stop (SIGTERM): the broker saves its persistent state and exits.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
