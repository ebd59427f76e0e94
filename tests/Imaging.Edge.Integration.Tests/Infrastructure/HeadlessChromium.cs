using System.Diagnostics;
using System.Text;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// Headless Chromium (Debian package chromium) showing one page, driven through the DevTools protocol on a
/// loopback port that Chromium picks itself (no port race). The profile lives in a folder the caller owns.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HeadlessChromium(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public DevToolsSession Page { get; private set; } = null!;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts Chromium on <paramref name="url"/> and attaches to that page; fails with Chromium's output.</summary>
    public static async Task<HeadlessChromium> StartAsync(string url, string profileFolder, TimeSpan timeout)
    {
        Directory.CreateDirectory(profileFolder);
        var start = new ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in Arguments(profileFolder)) start.ArgumentList.Add(argument);
        start.ArgumentList.Add(url);
        var chromium = new HeadlessChromium(Process.Start(start) ?? throw new InvalidOperationException("cannot start chromium"));
        try
        {
            var endpoint = await chromium.WaitForDevToolsEndpointAsync(Path.Combine(profileFolder, "DevToolsActivePort"), timeout);
            chromium.Page = await DevToolsSession.AttachToPageAsync(endpoint, url, timeout);
            return chromium;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var output = chromium.Output;
            await chromium.DisposeAsync();
            throw new InvalidOperationException($"chromium did not come up: {e.Message}\n{output}", e);
        }
    }

    private static IEnumerable<string> Arguments(string profileFolder) =>
    [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1000",
        "--remote-debugging-port=0", $"--user-data-dir={profileFolder}",
        // Tests talk to 127.0.0.1 only: no proxy from the environment, no name resolution, none of the
        // browser's own background traffic (updates, sync, safe browsing lists, first-run pages).
        "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--disable-default-apps", "--no-first-run", "--no-default-browser-check", "--disable-breakpad",
    ];

    /// <summary>Chromium writes the port it bound, and the browser's WebSocket path, to DevToolsActivePort.</summary>
    private async Task<Uri> WaitForDevToolsEndpointAsync(string file, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"chromium exited with {_process.ExitCode}");
            string[] lines = [];
            try
            {
                lines = await File.ReadAllLinesAsync(file);
            }
            catch (IOException)
            {
            }
            if (lines.Length >= 2 && int.TryParse(lines[0], out var port) && lines[1].StartsWith('/'))
                return new Uri($"ws://127.0.0.1:{port}{lines[1]}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"no {file} within {timeout}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Page is not null)
        {
            await Page.CloseBrowserAsync();
            await Page.DisposeAsync();
        }
        if (!_process.HasExited)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        // the renderer and zygote processes are children of the browser process
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
