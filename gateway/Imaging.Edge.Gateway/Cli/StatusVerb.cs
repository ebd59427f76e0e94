using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Control;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Retention;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>imaging-edge status [--config FILE] [--json]</c>: what a field engineer checks first on site — the queue
/// (depth, bytes, oldest waiting), uploads of the last minute (count, bytes/s, last success and where), the disk.
/// The running gateway answers on its control socket; with none running, the service's queue is read instead (so a
/// field engineer still sees what waits) and the exit code is 3 (not reachable).
/// </summary>
internal static class StatusVerb
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("status",
            "What to check first on site: the running gateway's state (online, or degraded and why), the queue (waiting, " +
            "failed, oldest), uploads (rate, last success, circuits), the receiver, devices and the disk. With no gateway " +
            "running, what the queue and the disk say. Exit 1 when degraded or instances failed, 3 when no gateway answered.")
        {
            config,
            json,
        };
        command.SetAction(parse => ExecuteAsync(parse.GetValue(config), parse.GetValue(json)));
        return command;
    }

    public static async Task<int> ExecuteAsync(string? configFile, bool json)
    {
        var live = await LiveStatusAsync(configFile, json);
        if (live.ExitCode is { } exitCode)
            return exitCode;
        var fromQueue = await QueueAccess.WithQueueAsync(configFile, (configuration, queue) =>
        {
            var now = DateTimeOffset.UtcNow;
            var stats = queue.Queries.Stats();
            var recent = queue.Queries.UploadsSince(now - Window);
            var layout = DataLayout.From(configuration.Gateway);
            var disk = DiskUsage.Of(layout.Root);
            var status = new
            {
                SchemaVersion = 1,
                Site = configuration.Gateway.SiteId,
                Gateway = configuration.Gateway.GatewayId,
                Queue = new
                {
                    stats.Pending,
                    stats.Uploading,
                    stats.Failed,
                    stats.Uploaded,
                    stats.Evicted,
                    stats.BytesPending,
                    OldestPendingAgeSeconds = stats.OldestPending is { } oldest ? Math.Round((now - oldest).TotalSeconds) : (double?)null,
                },
                Upload = new
                {
                    LastMinuteInstances = recent.Count,
                    BytesPerSecond = Math.Round(recent.Bytes / Window.TotalSeconds),
                    recent.Last,
                    Endpoint = recent.LastDestination,
                },
                Disk = new
                {
                    disk.FreeBytes,
                    UsedPercent = Math.Round(disk.UsedPercent, 1),
                    ReserveBytes = configuration.Retention.ReserveMegabytes * 1024 * 1024,
                    configuration.Retention.HighWaterPercent,
                },
            };
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(status, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
                return ExitCodes.Success;
            }
            var q = status.Queue;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"site {status.Site}, gateway {status.Gateway}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"queue   {q.Pending} pending, {q.Uploading} uploading, {q.Failed} failed, {q.Uploaded} uploaded, {q.Evicted} evicted (uploaded, local copy deleted); {q.BytesPending / 1e6:F1} MB to upload; oldest waiting {(q.OldestPendingAgeSeconds is { } age ? age + " s" : "-")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"upload  last minute {recent.Count} instances, {status.Upload.BytesPerSecond / 1e6:F2} MB/s; last success {(recent.Last is { } last ? last.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + " to " + recent.LastDestination : "none")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"disk    {status.Disk.FreeBytes / 1e9:F1} GB free ({status.Disk.UsedPercent}% used, high-water mark {status.Disk.HighWaterPercent}%), reserve {status.Disk.ReserveBytes / 1e6:F0} MB{(status.Disk.FreeBytes < status.Disk.ReserveBytes ? ": BELOW RESERVE, new instances are refused" : "")}"));
            return q.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
        });
        // What the queue says was printed; that no gateway answered decides the exit code (a configuration problem still says 2).
        return live.Reached || fromQueue == ExitCodes.BadInput ? fromQueue : ExitCodes.NotReachable;
    }

    /// <summary>
    /// The running gateway's own status through the control socket: printed, with its exit code; no exit code when it did
    /// not answer (<c>Reached</c> false: no gateway there) or answered with an error (the queue is printed instead).
    /// </summary>
    private static async Task<(int? ExitCode, bool Reached)> LiveStatusAsync(string? configFile, bool json)
    {
        EdgeConfiguration configuration;
        try
        {
            configuration = EdgeConfiguration.Load(configFile);
        }
        catch (ConfigurationException)
        {
            return (null, false); // the queue path reports it
        }
        var answer = await ControlClient.TrySendAsync(Path.GetFullPath(configuration.Gateway.DataDir), "status", null, TimeSpan.FromSeconds(10));
        if (answer is null) return (null, false);
        if (answer["ok"]?.GetValue<bool>() != true || answer["result"] is not JsonObject status) return (null, true);
        if (json)
            Console.WriteLine(status.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else
            LiveStatusText.Print(status, Console.Out);
        return (status["state"]?.GetValue<string>() == "online" ? ExitCodes.Success : ExitCodes.Failure, true);
    }
}
