using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Telemetry;

/// <summary>The real gateway process publishing to a real Mosquitto broker on loopback.</summary>
public sealed partial class MqttTelemetryTests
{
    private const string Prefix = "imaging-edge/v1/site-t/gw-t";
    private const string Status = Prefix + "/status";
    private const string Events = Prefix + "/events";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Status_is_retained_online_and_study_events_carry_only_the_pseudonym()
    {
        using var folder = new TemporaryDirectory();
        var mqttPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        await using var subscriber = await MosquittoSubscriber.ConnectAsync(mqttPort, Prefix + "/#");
        var (gateway, dicomPort) = await StartGatewayAsync(folder, mqttPort);
        await using var owned = gateway;
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in"), 2);

        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(dicomPort), .. files]);
        Assert.True(store.ExitCode == 0, store.Output);
        var online = await subscriber.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "online", Patience);
        var received = await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.StudyReceived, Patience);
        var complete = await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.StudyComplete, Patience);
        await using var late = await MosquittoSubscriber.ConnectAsync(mqttPort, Status);
        var retained = await late.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "online", TimeSpan.FromSeconds(10));

        Assert.Equal(1, online.GetProperty("schemaVersion").GetInt32());
        Assert.True(online.GetProperty("queue").TryGetProperty("pending", out _), online.ToString());
        Assert.Contains(late.Messages, m => m.Retained);
        Assert.Equal("online", retained.GetProperty("state").GetString());
        var pseudonym = received.GetProperty("data").GetProperty("study").GetString()!;
        Assert.Matches(HexPseudonym(), pseudonym);
        Assert.Equal(pseudonym, complete.GetProperty("data").GetProperty("study").GetString());
        Assert.True(received.GetProperty("seq").GetInt64() < complete.GetProperty("seq").GetInt64(), string.Join("\n", subscriber.Messages.Select(m => m.Payload)));
        Assert.True(DateTimeOffset.TryParse(complete.GetProperty("ts").GetString(), CultureInfo.InvariantCulture, out _));

        var dump = (await Dcmtk.DumpAsync(files[0])).StandardOutput;
        var identifying = new[] { @"\(0010,0010\) PN \[([^\]]+)\]", @"\(0010,0020\) LO \[([^\]]+)\]", @"\(0020,000d\) UI \[([^\]]+)\]", @"\(0010,0030\) DA \[([^\]]+)\]" }
            .Select(p => Regex.Match(dump, p)).Where(m => m.Success).Select(m => m.Groups[1].Value.Trim()).Where(v => v.Length > 0).ToList();
        Assert.NotEmpty(identifying);
        foreach (var (topic, payload, _) in subscriber.Messages)
            foreach (var value in identifying)
                Assert.False(payload.Contains(value, StringComparison.Ordinal), $"{topic} carries patient data: {payload}");

        await WaitForEmptyOutboxAsync(folder);
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var shutdown = await subscriber.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "offline", TimeSpan.FromSeconds(10));
        Assert.Equal("shutdown", shutdown.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Killed_gateway_leaves_a_retained_offline_status_by_last_will()
    {
        using var folder = new TemporaryDirectory();
        var mqttPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        await using var subscriber = await MosquittoSubscriber.ConnectAsync(mqttPort, Status);
        var (gateway, _) = await StartGatewayAsync(folder, mqttPort);
        await using var process = gateway;
        await subscriber.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "online", Patience);

        gateway.Kill();
        await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var will = await subscriber.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "offline", TimeSpan.FromSeconds(30));
        Assert.Equal("connection lost", will.GetProperty("reason").GetString());
        await using var late = await MosquittoSubscriber.ConnectAsync(mqttPort, Status);
        var retained = await late.WaitForAsync(Status, _ => true, TimeSpan.FromSeconds(10));
        Assert.Equal("offline", retained.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Broker_down_at_start_blocks_nothing_and_queued_events_arrive_later()
    {
        using var folder = new TemporaryDirectory();
        var mqttPort = GatewayProcess.FreePort();
        var (gateway, dicomPort) = await StartGatewayAsync(folder, mqttPort);
        await using var owned = gateway;

        var echo = await ProcessRunner.RunAsync("echoscu", ["-aec", "IMAGING_EDGE", "-to", "5", "127.0.0.1", Text(dicomPort)], TimeSpan.FromSeconds(5));
        Assert.True(echo.ExitCode == 0, echo.Output);
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in"), 2);
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(dicomPort), .. files]);
        Assert.True(store.ExitCode == 0, store.Output);

        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        await using var subscriber = await MosquittoSubscriber.ConnectAsync(mqttPort, Prefix + "/#");
        await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.StudyReceived, Patience);
        await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.StudyComplete, Patience);
        await WaitForEmptyOutboxAsync(folder);
    }

    private static async Task<(GatewayProcess Gateway, int DicomPort)> StartGatewayAsync(TemporaryDirectory folder, int mqttPort)
    {
        var dicomPort = GatewayProcess.FreePort();
        var gateway = GatewayProcess.Start(["run"], new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Gateway__SiteId"] = "site-t",
            ["IMAGING_EDGE__Gateway__GatewayId"] = "gw-t",
            ["IMAGING_EDGE__Mqtt__Host"] = "127.0.0.1",
            ["IMAGING_EDGE__Mqtt__Port"] = Text(mqttPort),
            ["IMAGING_EDGE__Queue__StableStudySeconds"] = "1",
            ["IMAGING_EDGE__Dicom__Port"] = Text(dicomPort),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
        }, folder.Path);
        await gateway.WaitForPortAsync(dicomPort, TimeSpan.FromSeconds(30));
        return (gateway, dicomPort);
    }

    private static async Task WaitForEmptyOutboxAsync(TemporaryDirectory folder)
    {
        var database = new QueueDatabase(folder.Combine("var"), createIfMissing: false);
        long count = -1;
        for (var i = 0; i < 100; i++)
        {
            using var connection = database.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM outbox;";
            count = (long)command.ExecuteScalar()!;
            if (count == 0) return;
            await Task.Delay(100);
        }
        Assert.Fail($"the outbox still holds {count} events");
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex HexPseudonym();
}
