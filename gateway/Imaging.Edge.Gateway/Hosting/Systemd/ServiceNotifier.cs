using Imaging.Edge.Gateway.Health;
using Imaging.Edge.Gateway.Hosting.Watchdog;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Serial;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Hosting.Systemd;

/// <summary>
/// Tells systemd how the service is (<c>Type=notify</c>, sd_notify(3)), registered only when <c>NOTIFY_SOCKET</c> is set:
/// <list type="bullet">
/// <item><c>READY=1</c> once start-up recovery is done and the DICOM port listens (both before any
/// <see cref="StartedAsync"/>: recovery runs in a StartingAsync, the port opens in a StartAsync), every serial listener
/// has tried its port once, and a read through the queue answered;</item>
/// <item><c>STATUS=</c> a one-line summary (<see cref="StatusLine"/>), read every few seconds and sent when it changes;</item>
/// <item><c>WATCHDOG=1</c> at half of <c>WATCHDOG_USEC</c>, only while no component is wedged (<see cref="Heartbeats"/>);
/// the first wedged component is named in the log once;</item>
/// <item><c>STOPPING=1</c> as soon as the host begins to stop.</item>
/// </list>
/// Why not <c>AddSystemd()</c>: its lifetime only speaks when the parent process is systemd (a test cannot stand in
/// for it), sends READY=1 but never STATUS or WATCHDOG, and switches the console to a formatter without our escaping.
/// </summary>
internal sealed class ServiceNotifier(
    SystemdEnvironment systemd,
    NotifySocket socket,
    Heartbeats heartbeats,
    StatusReader status,
    SerialDevices serial,
    TimeProvider clock,
    ILogger<ServiceNotifier> logger) : IHostedLifecycleService, IDisposable
{
    public static readonly TimeSpan StatusEvery = TimeSpan.FromSeconds(5);

    private readonly Heartbeat _queue = heartbeats.Add(WatchedComponents.QueueDatabase, WatchedComponents.ShortLimit(systemd));
    private readonly HashSet<string> _named = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private volatile string? _readFailure;

    /// <summary>Between pings and status reads: half the watchdog interval, and at most <see cref="StatusEvery"/>.</summary>
    private TimeSpan Tick => systemd.WatchdogInterval is { } interval && interval / 2 < StatusEvery ? interval / 2 : StatusEvery;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        heartbeats.AddCheck(WatchedComponents.QueueRead, () => _readFailure is { } failure ? "the last read failed: " + failure : null);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Every StartAsync has returned: recovery is done and the port listens. The rest happens in the loop.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _loop = RunAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        socket.Send("STOPPING=1\nSTATUS=stopping");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(cancellationToken);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await serial.WaitForFirstAttemptsAsync(stop);
            string? sent = null;
            Task<string?>? read = null;
            var ready = false;
            while (!stop.IsCancellationRequested)
            {
                var started = clock.GetTimestamp();
                if (read is null || read.IsCompleted)
                    read = Task.Run(ReadStatusLine, CancellationToken.None);
                // A read that hangs must not hold back the pings while the other components are alive.
                await Task.WhenAny(read, Task.Delay(Tick / 2, clock, stop));
                if (read.IsCompletedSuccessfully && read.Result is { } line && line != sent)
                {
                    // The first answer of the queue is the last condition of READY=1.
                    socket.Send(ready ? "STATUS=" + line : "READY=1\nSTATUS=" + line);
                    if (!ready)
                    {
                        ready = true;
                        heartbeats.Arm();
                        ServiceLog.Ready(logger, systemd.WatchdogInterval?.TotalSeconds ?? 0);
                    }
                    sent = line;
                }
                if (ready) Watch();
                var rest = Tick - clock.GetElapsedTime(started);
                if (rest > TimeSpan.Zero) await Task.Delay(rest, clock, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>The status line, or null when the queue could not be read (the reason is kept for the watchdog).</summary>
    private string? ReadStatusLine()
    {
        try
        {
            GatewayStatus now;
            using (_queue.Working()) now = status.Read();
            _readFailure = null;
            return StatusLine.Of(now);
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
        {
            var failure = Outbound.ErrorText(e);
            if (_readFailure != failure) ServiceLog.StatusUnreadable(logger, failure);
            _readFailure = failure;
            return null;
        }
    }

    /// <summary>One ping when every component is alive; each newly wedged component named once, and again when it recovers.</summary>
    private void Watch()
    {
        var wedged = heartbeats.Wedged();
        foreach (var (component, reason) in wedged)
            if (_named.Add(component))
                ServiceLog.Wedged(logger, component, reason);
        foreach (var component in _named.Where(n => !wedged.Any(w => w.Component == n)).ToList())
        {
            _named.Remove(component);
            ServiceLog.Recovered(logger, component);
        }
        if (wedged.Count == 0 && systemd.WatchdogInterval is not null)
            socket.Send("WATCHDOG=1");
    }

    public void Dispose() => _stop.Dispose();
}
