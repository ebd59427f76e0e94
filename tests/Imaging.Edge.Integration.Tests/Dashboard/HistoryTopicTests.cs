using System.Text.Json;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Imaging.Edge.Integration.Tests.Telemetry;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>The real gateway's retained <c>{prefix}/history</c> on a real Mosquitto: what a dashboard opened later finds.</summary>
public sealed class HistoryTopicTests
{
    private const string History = TelemetryGateway.Prefix + "/history";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task The_gateway_publishes_a_retained_history_of_minute_points_with_counts_only()
    {
        using var folder = new TemporaryDirectory();
        var mqttPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        var (gateway, dicomPort) = await TelemetryGateway.StartAsync(folder, mqttPort);
        await using var owned = gateway;
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in"), 1);
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", TelemetryGateway.Text(dicomPort), .. files]);
        Assert.True(store.ExitCode == 0, store.Output);

        await using (var early = await MosquittoSubscriber.ConnectAsync(mqttPort, History))
            await early.WaitForAsync(History, j => j.GetProperty("points").GetArrayLength() >= 1, Patience);
        // subscribed after the gateway published: the broker hands over its retained copy at once
        await using var late = await MosquittoSubscriber.ConnectAsync(mqttPort, History);
        var history = await late.WaitForAsync(History, j => j.GetProperty("points").GetArrayLength() >= 1, TimeSpan.FromSeconds(10));

        Assert.Contains(late.Messages, m => m.Topic == History && m.Retained);
        Assert.Equal(1, history.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(60, history.GetProperty("intervalSeconds").GetInt32());
        var points = history.GetProperty("points").EnumerateArray().ToList();
        Assert.InRange(points.Count, 1, 60);
        var last = points[^1];
        Assert.True(DateTimeOffset.TryParse(last.GetProperty("ts").GetString(), System.Globalization.CultureInfo.InvariantCulture, out var minute), last.ToString());
        Assert.Equal(0, minute.Second);
        Assert.Equal(
            ["ts", "pending", "bytesPending", "oldestPendingAgeSeconds", "uploaded", "bytesPerSecond", "diskUsedPercent", "failed"],
            last.EnumerateObject().Select(p => p.Name));
        Assert.InRange(last.GetProperty("diskUsedPercent").GetDouble(), 0.1, 100);
        Assert.Equal(0, last.GetProperty("failed").GetInt64());
        var commands = history.GetProperty("commands");
        Assert.False(commands.GetProperty("allowDestructive").GetBoolean());
        Assert.Equal(0, commands.GetProperty("operators").GetArrayLength());

        var dump = (await Dcmtk.DumpAsync(files[0])).StandardOutput;
        var uid = System.Text.RegularExpressions.Regex.Match(dump, @"\(0020,000d\) UI \[([^\]]+)\]").Groups[1].Value;
        Assert.NotEmpty(uid);
        Assert.DoesNotContain(uid, history.ToString(), StringComparison.Ordinal);
    }
}
