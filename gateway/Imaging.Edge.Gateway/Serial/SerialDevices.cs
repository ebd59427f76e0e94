using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Serial;

/// <summary>
/// The serial intake: one <see cref="SerialDeviceListener"/> per configured device (<c>Serial:Devices</c>), started
/// after start-up recovery like the DICOM receiver. <see cref="ReloadAsync"/> (the <c>reload-profiles</c> command)
/// re-reads the configuration and the profiles and restarts only the listeners whose device or profile changed; a
/// profile that does not load is rejected with its errors and the device's running listener keeps going.
/// </summary>
internal sealed class SerialDevices(
    EdgeConfiguration configuration,
    DeviceMessageStore store,
    DeviceBoard board,
    DeviceEvents events,
    DiskSpaceGuard disk,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, SerialDeviceListener> _listeners = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger = loggers.CreateLogger<SerialDevices>();

    public Task StartAsync(CancellationToken cancellationToken) => ApplyAsync(configuration.Serial);

    /// <summary>Completes once every listener started so far has tried its port the first time (for READY=1).</summary>
    public async Task WaitForFirstAttemptsAsync(CancellationToken cancellationToken)
    {
        List<Task> attempts;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            attempts = _listeners.Values.Select(l => l.FirstAttempt).ToList();
        }
        finally
        {
            _gate.Release();
        }
        await Task.WhenAll(attempts).WaitAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            foreach (var listener in _listeners.Values)
                await listener.DisposeAsync();
            _listeners.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Re-reads the configuration file and environment, then the profiles. Problems with the section itself reject it whole.</summary>
    public async Task<SerialReload> ReloadAsync()
    {
        configuration.Root.Reload();
        var problems = new List<string>();
        var options = EdgeConfiguration.Bind<SerialOptions>(configuration.Root, SerialOptions.Section, problems);
        if (problems.Count == 0)
            SerialOptionsValidator.Validate(options, problems);
        if (problems.Count > 0)
            return new SerialReload(0, 0, _listeners.Count, problems);
        return await ApplyAsync(options);
    }

    private async Task<SerialReload> ApplyAsync(SerialOptions options)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            var directory = DeviceProfiles.DirectoryOf(options);
            int started = 0, stopped = 0, unchanged = 0;
            var rejected = new List<string>();
            var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var deviceOptions in options.Devices)
            {
                wanted.Add(deviceOptions.Name);
                var (device, errors) = DeviceProfiles.Load(deviceOptions, directory);
                _listeners.TryGetValue(deviceOptions.Name, out var running);
                if (device is null)
                {
                    foreach (var error in errors)
                    {
                        SerialLog.ProfileRejected(_logger, deviceOptions.Name, deviceOptions.Profile, SafeText.Printable(error.ToString()));
                        rejected.Add($"{deviceOptions.Name}: {deviceOptions.Profile}: {error}");
                    }
                    // The old listener (if any) keeps running; a device never started shows why in the status.
                    if (running is null)
                        board.AddRejected(deviceOptions.Name, deviceOptions.Port, deviceOptions.Profile);
                    continue;
                }
                if (running is not null && running.Device.Fingerprint == device.Fingerprint)
                {
                    unchanged++;
                    continue;
                }
                if (running is not null)
                {
                    await running.DisposeAsync();
                    stopped++;
                }
                var listener = new SerialDeviceListener(DeviceSession.For(device, configuration.Gateway.SiteId, configuration.Gateway.GatewayId),
                    store, board, events, disk, time, loggers.CreateLogger<SerialDeviceListener>());
                _listeners[device.Name] = listener;
                listener.Start();
                started++;
            }
            foreach (var name in _listeners.Keys.Where(n => !wanted.Contains(n)).ToList())
            {
                await _listeners[name].DisposeAsync();
                _listeners.Remove(name);
                board.Remove(name);
                stopped++;
            }
            foreach (var name in board.Snapshot().Select(d => d.Name).Where(n => !wanted.Contains(n)))
                board.Remove(name);
            SerialLog.Reloaded(_logger, started, stopped, unchanged, rejected.Count);
            return new SerialReload(started, stopped, unchanged, rejected);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>What a reload did: listeners started (new or changed), stopped (changed or removed), left alone, and every rejection.</summary>
internal sealed record SerialReload(int Started, int Stopped, int Unchanged, IReadOnlyList<string> Rejected);
