using System.Globalization;
using System.Text.Json;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>
/// A fleet of fake gateways with known states, publishing through <see cref="FakeFleet"/> as docs/telemetry.md says:
/// a retained status and a heartbeat every <see cref="Period"/>, and a retained history. Gateway i (0-based) of
/// <see cref="Count"/> is on site <c>site-{i/20:00}</c>, named <c>gw-{i:000}</c>, has i pending instances (i KiB),
/// oldest pending i*10 s; every 50th (i % 50 == 1) is degraded, every 100th (i % 100 == 2) offline (no heartbeat), and
/// <see cref="Silent"/> stop their heartbeats when <see cref="Silence"/> is called.
/// </summary>
internal sealed class FleetSimulator(FakeFleet fleet, int count) : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    public const string Hostile = "<img src=x onerror=window.__xss=1>";
    public static readonly int[] Silent = [7, 8, 9];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private volatile bool _silenced;
    private long _seq;
    private int _round;

    public int Count { get; } = count;

    public static string Site(int i) => $"site-{i / 20:00}";

    public static string Name(int i) => $"gw-{i:000}";

    public static string Key(int i) => $"{Site(i)}/{Name(i)}";

    public static string StateOf(int i) => i % 100 == 2 ? "offline" : i % 50 == 1 ? "degraded" : "online";

    public int Rounds => Volatile.Read(ref _round);

    /// <summary>Publishes every retained status and history once, then statuses and heartbeats every period.</summary>
    public async Task StartAsync()
    {
        for (var i = 0; i < Count; i++)
        {
            await fleet.PublishAsync(Topic(i, "status"), Status(i, DateTime.UtcNow), retain: true, fast: false);
            await fleet.PublishAsync(Topic(i, "history"), History(i, DateTime.UtcNow), retain: true, fast: false);
        }
        _loop = Task.Run(LoopAsync);
    }

    public void Silence() => _silenced = true;

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            var now = DateTime.UtcNow;
            var seq = Interlocked.Increment(ref _seq);
            for (var i = 0; i < Count; i++)
            {
                if (StateOf(i) == "offline") continue;
                await fleet.PublishAsync(Topic(i, "status"), Status(i, now, Rounds), retain: true, fast: true);
                if (_silenced && Silent.Contains(i)) continue;
                await fleet.PublishAsync(Topic(i, "heartbeat"), Heartbeat(i, now, seq), retain: false, fast: true);
            }
            Interlocked.Increment(ref _round);
        }
    }

    private static string Topic(int i, string kind) => $"{FakeFleet.Root}/{Site(i)}/{Name(i)}/{kind}";

    private static string Ts(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Status(int i, DateTime now, int round = 0)
    {
        if (StateOf(i) == "offline")
            return JsonSerializer.Serialize(new { schemaVersion = 1, ts = Ts(now), seq = 0, site = Site(i), gateway = Name(i), state = "offline", reason = "connection lost" });
        var degraded = StateOf(i) == "degraded";
        return JsonSerializer.Serialize(new
        {
            schemaVersion = 1, ts = Ts(now), seq = 1, site = Site(i), gateway = Name(i), state = StateOf(i),
            reasons = degraded ? new[] { "upload endpoint primary unavailable", Hostile } : [],
            version = "1.0.0", uptimeSeconds = 3600,
            queue = new { pending = i, uploading = 0, failed = degraded ? 2 : 0, uploaded = 1000 + i + round * (i % 3), evicted = 0, erasing = 0, bytesPending = i * 1024L, oldestPendingAgeSeconds = i * 10 },
            upload = new { paused = false, bytesPerSecond = 1000 * i, lastSuccess = Ts(now.AddSeconds(-30)), endpoint = degraded ? "backup" : "primary",
                circuits = degraded ? new Dictionary<string, string> { ["primary"] = "open", ["backup"] = "closed" } : new Dictionary<string, string> { ["primary"] = "closed" } },
            receive = new { activeAssociations = 0, instancesToday = i },
            disk = new { freeBytes = 50_000_000_000L, usedPercent = 20 + i % 60, reserveBytes = 536870912, belowReserve = false, highWaterPercent = 85 },
            devices = i == 3
                ? new object[] { new { name = Hostile, port = "/dev/ttyUSB0", connected = false, lastFrame = (string?)null, profile = "bg900", state = "disconnected", since = Ts(now), reason = "no-such-port", messages = 0, objects = 0, rejected = 0, linkProblems = 0 } }
                : [],
            telemetry = new { eventsDropped = 0, logsDropped = 0 },
        });
    }

    private static string Heartbeat(int i, DateTime now, long seq) => JsonSerializer.Serialize(new
    {
        schemaVersion = 1, ts = Ts(now), seq, state = StateOf(i), uptimeSeconds = 3600, queue = new { pending = i, failed = 0 },
    });

    /// <summary>Ten minutes of backlog 10, 20, ... 100 and a rate of 1000 * minute; the page draws them before any heartbeat.</summary>
    public static string History(int i, DateTime now)
    {
        var start = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddMinutes(-10);
        var points = Enumerable.Range(0, 10).Select(m => new
        {
            ts = Ts(start.AddMinutes(m)), pending = (m + 1) * 10, bytesPending = (m + 1) * 10240, oldestPendingAgeSeconds = 60, uploaded = m,
            bytesPerSecond = 1000 * m, diskUsedPercent = 20 + (i % 60), failed = 0,
        });
        return JsonSerializer.Serialize(new { schemaVersion = 1, ts = Ts(now), seq = 1, intervalSeconds = 60, points, commands = new { allowDestructive = false, operators = Array.Empty<string>() } });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }
}
