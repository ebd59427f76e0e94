using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Telemetry;

/// <summary>Operator commands over MQTT 5 request/response against the real gateway and a real Mosquitto broker.</summary>
public sealed class MqttCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Commands_round_trip_with_correlation_data_are_audited_and_errors_are_answered()
    {
        using var folder = new TemporaryDirectory();
        var mqttPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        await using var subscriber = await MosquittoSubscriber.ConnectAsync(mqttPort, Prefix + "/#");
        await using var ops = await MqttRequester.ConnectAsync(mqttPort, "ops/answers/t1", alsoSubscribe: Prefix + "/cmd/+/response");
        var (gateway, dicomPort) = await StartAsync(folder, mqttPort);
        await using var owned = gateway;
        await subscriber.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "online", Patience);

        var ping = await ops.RequestAsync(Prefix + "/cmd/ping", "req-ping");
        Assert.True(ping.GetProperty("ok").GetBoolean(), MqttRequester.Text(ping));
        Assert.Equal("req-ping", ping.GetProperty("requestId").GetString());
        Assert.True(ping.GetProperty("result").GetProperty("pong").GetBoolean());
        Assert.Equal(1, ping.GetProperty("schemaVersion").GetInt32());

        // Paused: instances are received and wait; the status says why nothing moves.
        var pause = await ops.RequestAsync(Prefix + "/cmd/pause-uploads", "req-pause");
        Assert.True(pause.GetProperty("result").GetProperty("paused").GetBoolean(), MqttRequester.Text(pause));
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in"), 2);
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(dicomPort), .. files]);
        Assert.True(store.ExitCode == 0, store.Output);
        var paused = await subscriber.WaitForAsync(Status, j => j.GetProperty("queue").GetProperty("pending").GetInt64() == 2, Patience);
        Assert.Equal("degraded", paused.GetProperty("state").GetString());
        Assert.True(paused.GetProperty("upload").GetProperty("paused").GetBoolean());
        Assert.Contains(paused.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("paused", StringComparison.Ordinal));
        Assert.Equal(2, paused.GetProperty("receive").GetProperty("instancesToday").GetInt64());
        await Task.Delay(1500);
        Assert.Equal(0L, Scalar(folder, "SELECT COUNT(*) FROM instances WHERE state = 'uploaded';"));

        var resume = await ops.RequestAsync(Prefix + "/cmd/resume-uploads", "req-resume");
        Assert.False(resume.GetProperty("result").GetProperty("paused").GetBoolean());
        var uploaded = await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.StudyUploaded, Patience);
        var study = uploaded.GetProperty("data").GetProperty("study").GetString()!;
        Assert.Equal(2, uploaded.GetProperty("data").GetProperty("instances").GetInt32());

        // resend-study requeues the study; it is uploaded (and reported) again.
        var resend = await ops.RequestAsync(Prefix + "/cmd/resend-study", "req-resend", $$"""{"study": "{{study}}"}""");
        Assert.True(resend.GetProperty("ok").GetBoolean(), MqttRequester.Text(resend));
        Assert.Equal(2, resend.GetProperty("result").GetProperty("instances").GetInt32());
        await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.StudyUploaded
            && j.GetProperty("seq").GetInt64() > uploaded.GetProperty("seq").GetInt64(), Patience);

        var retry = await ops.RequestAsync(Prefix + "/cmd/retry-failed", "req-retry");
        Assert.Equal(0, retry.GetProperty("result").GetProperty("retried").GetInt32());
        var status = await ops.RequestAsync(Prefix + "/cmd/status", "req-status");
        Assert.Equal("gw-t", status.GetProperty("result").GetProperty("gateway").GetString());

        // Errors are answered, never silence.
        var unknown = await ops.RequestAsync(Prefix + "/cmd/frobnicate", "req-unknown");
        Assert.False(unknown.GetProperty("ok").GetBoolean());
        Assert.Equal("unknown-command", unknown.GetProperty("error").GetProperty("code").GetString());
        var missing = await ops.RequestAsync(Prefix + "/cmd/resend-study", "req-missing");
        Assert.Equal("bad-arguments", missing.GetProperty("error").GetProperty("code").GetString());
        var nobody = await ops.RequestAsync(Prefix + "/cmd/resend-study", "req-nobody", """{"study": "0123456789abcdef0123456789abcdef"}""");
        Assert.Equal("bad-arguments", nobody.GetProperty("error").GetProperty("code").GetString());
        var profiles = await ops.RequestAsync(Prefix + "/cmd/reload-profiles", "req-profiles");
        Assert.Equal("unavailable", profiles.GetProperty("error").GetProperty("code").GetString());
        var garbage = await ops.SendRawAsync(Prefix + "/cmd/ping", "{not json");
        var garbageAnswer = await ops.WaitForAnswerAsync(a => a.Correlation is not null && a.Correlation.AsSpan().SequenceEqual(garbage), Patience);
        Assert.Equal("bad-arguments", garbageAnswer.GetProperty("error").GetProperty("code").GetString());

        // An MQTT 3-style request without a response topic is answered on cmd/{name}/response.
        await ops.SendRawAsync(Prefix + "/cmd/ping", """{"requestId": "req-plain"}""", withResponseTopic: false);
        var plain = await ops.WaitForAnswerAsync(a => a.Topic == Prefix + "/cmd/ping/response", Patience);
        Assert.Equal("req-plain", plain.GetProperty("requestId").GetString());

        // The same request delivered twice is executed once.
        var first = await ops.RequestAsync(Prefix + "/cmd/pause-uploads", "req-twice");
        var second = await ops.RequestAsync(Prefix + "/cmd/pause-uploads", "req-twice");
        Assert.True(first.GetProperty("result").GetProperty("changed").GetBoolean());
        Assert.True(second.GetProperty("result").GetProperty("changed").GetBoolean());

        var actor = $"mqtt:{ops.ClientId}/alice";
        foreach (var (request, action) in new[] { ("req-ping", "ping"), ("req-pause", "pause-uploads"), ("req-resend", "resend-study"), ("req-unknown", "unknown-command"), ("req-missing", "resend-study") })
            Assert.Equal(1L, Scalar(folder, $"SELECT COUNT(*) FROM audit WHERE request_id = '{request}' AND action = '{action}' AND actor = '{actor}';"));
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE request_id = 'req-twice';"));
        Assert.StartsWith("error unknown-command", QueryText(folder, "SELECT result FROM audit WHERE request_id = 'req-unknown';"), StringComparison.Ordinal);
        var executed = await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.CommandExecuted
            && j.GetProperty("data").GetProperty("requestId").GetString() == "req-resend", Patience);
        Assert.Equal(actor, executed.GetProperty("data").GetProperty("actor").GetString());
        Assert.True(executed.GetProperty("data").GetProperty("ok").GetBoolean());
    }

    private static string QueryText(TemporaryDirectory folder, string sql)
    {
        var database = new QueueDatabase(folder.Combine("var"), createIfMissing: false);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)command.ExecuteScalar()!;
    }
}
