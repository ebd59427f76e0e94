using System.Diagnostics;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// A pseudo-terminal pair made by <c>socat</c>, standing for a serial cable: the gateway opens <see cref="GatewayEnd"/>
/// (a symlink to one pty, as <c>/dev/serial/by-id/…</c> is to a real port), the test plays the device on
/// <see cref="DeviceEnd"/>. Disposing kills socat: the gateway's side sees the cable pulled. A new pair at the same
/// paths is the cable plugged in again.
/// </summary>
public sealed class SocatPty : IDisposable
{
    private readonly Process _process;

    private SocatPty(Process process, string gatewayEnd, string deviceEnd)
    {
        _process = process;
        GatewayEnd = gatewayEnd;
        DeviceEnd = deviceEnd;
    }

    public string GatewayEnd { get; }

    public string DeviceEnd { get; }

    public static async Task<SocatPty> StartAsync(string gatewayEnd, string deviceEnd)
    {
        var start = new ProcessStartInfo("socat")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-d", $"PTY,link={gatewayEnd},raw,echo=0", $"PTY,link={deviceEnd},raw,echo=0" })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("socat did not start");
        var pty = new SocatPty(process, gatewayEnd, deviceEnd);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(File.Exists(gatewayEnd) && File.Exists(deviceEnd)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                pty.Dispose();
                throw new InvalidOperationException($"socat made no pty pair at {gatewayEnd}: {await process.StandardError.ReadToEndAsync()}");
            }
            await Task.Delay(20);
        }
        return pty;
    }

    /// <summary>Opens the device's end for reading and writing (raw: socat set it so).</summary>
    public FileStream OpenDeviceEnd() => new(DeviceEnd, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0, useAsync: false);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
