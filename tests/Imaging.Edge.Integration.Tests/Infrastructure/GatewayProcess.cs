using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>The real <c>imaging-edge</c> executable (copied beside the tests by the project reference), run as a child process.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>Watches a gateway started some other way (for example under an emulator); its output is captured the same way.</summary>
    public GatewayProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "imaging-edge.dll");

    public int Id => _process.Id;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="journalStream">
    /// Set <c>JOURNAL_STREAM</c> to the device and inode of the process's standard output, as systemd does for a unit
    /// whose output goes to the journal (a shell finds them once the pipe exists, then becomes the gateway).
    /// </param>
    /// <param name="umask">Start under this file-creation mask (for example "022", a login shell's), not the test runner's.</param>
    public static GatewayProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory,
        bool journalStream = false, string? umask = null)
    {
        var shell = journalStream || umask is not null;
        var start = new ProcessStartInfo(shell ? "sh" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (shell)
        {
            var script = (umask is null ? "" : $"umask {umask}; ") + (journalStream ? "export JOURNAL_STREAM=$(stat -L -c %d:%i /proc/$$/fd/1); " : "") + "exec dotnet \"$@\"";
            foreach (var argument in new[] { "-c", script, "sh" })
                start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add(ExecutablePath);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // A CI disk fuller than the default high-water mark (85 %) would make retention evict uploaded copies that
        // tests compare with the bucket; tests that exercise the mark set it themselves.
        start.Environment["IMAGING_EDGE__Retention__HighWaterPercent"] = "99";
        // A test runner that systemd started passes these on; the gateway would then refuse the development store.
        start.Environment.Remove("INVOCATION_ID");
        start.Environment.Remove("NOTIFY_SOCKET");
        start.Environment.Remove("JOURNAL_STREAM");
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return new GatewayProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start imaging-edge"));
    }

    /// <summary>
    /// The gateway started as systemd starts it behind <c>imaging-edge.socket</c>: <c>systemd-socket-activate</c> binds
    /// <paramref name="listenPort"/> on 127.0.0.1, waits for the first connection, then becomes the gateway with the
    /// listening socket as descriptor 3 and <c>LISTEN_FDS</c>/<c>LISTEN_PID</c> set. Only the given variables (and
    /// the tool's own PATH, HOME) reach the gateway.
    /// </summary>
    public static GatewayProcess StartSocketActivated(int listenPort, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo("systemd-socket-activate")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("-l");
        start.ArgumentList.Add($"127.0.0.1:{listenPort}");
        var passed = new Dictionary<string, string>(environment) { ["IMAGING_EDGE__Retention__HighWaterPercent"] = "99" };
        foreach (var (key, value) in passed)
        {
            start.ArgumentList.Add("-E");
            start.ArgumentList.Add($"{key}={value}");
        }
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(ExecutablePath);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return new GatewayProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start systemd-socket-activate"));
    }

    /// <summary>A TCP port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Waits until the port accepts connections; fails with the process output if it exits first.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                Assert.Fail($"imaging-edge exited with {_process.ExitCode} before listening:\n{Output}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        Assert.Fail($"imaging-edge did not listen on {port} within {timeout}:\n{Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as systemd stops the service.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGKILL: the process gets no chance to clean up (power-loss stand-in).</summary>
    public void Kill() => Signal("KILL");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
