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
/// Read from the service's queue, so it works whether or not the service is running.
/// </summary>
internal static class StatusVerb
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args)
    {
        var arguments = Arguments.Parse(args, valued: new HashSet<string> { "config" }, flags: new HashSet<string> { "json" });
        if (arguments.Positional.Count > 0)
            throw new UsageException($"status takes no arguments (got '{arguments.Positional[0]}')");
        var json = arguments.Flag("json");
        if (await LiveStatusAsync(arguments.Option("config"), json) is { } exitCode)
            return exitCode;
        return await QueueAccess.WithQueueAsync(arguments.Option("config"), (configuration, queue) =>
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
    }

    /// <summary>The running gateway's own status through the control socket; null when none is running there.</summary>
    private static async Task<int?> LiveStatusAsync(string? configFile, bool json)
    {
        EdgeConfiguration configuration;
        try
        {
            configuration = EdgeConfiguration.Load(configFile);
        }
        catch (ConfigurationException)
        {
            return null; // the queue path reports it
        }
        var answer = await ControlClient.TrySendAsync(Path.GetFullPath(configuration.Gateway.DataDir), "status", null, TimeSpan.FromSeconds(10));
        if (answer?["ok"]?.GetValue<bool>() != true || answer["result"] is not JsonObject status) return null;
        if (json)
            Console.WriteLine(status.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else
            LiveStatusText.Print(status, Console.Out);
        return status["state"]?.GetValue<string>() == "online" ? ExitCodes.Success : ExitCodes.Failure;
    }
}
