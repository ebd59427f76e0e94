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
        // Still paused a status period later (published at least every HeartbeatSeconds): nothing was uploaded meanwhile.
        var pausedAt = paused.GetProperty("ts").GetDateTimeOffset();
        var later = await subscriber.WaitForAsync(Status, j => j.GetProperty("ts").GetDateTimeOffset() > pausedAt + TimeSpan.FromSeconds(1), Patience);
        Assert.Equal(2, later.GetProperty("queue").GetProperty("pending").GetInt64());
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
        Assert.True(profiles.GetProperty("ok").GetBoolean(), MqttRequester.Text(profiles)); // no serial devices: nothing to restart
        Assert.Equal(0, profiles.GetProperty("result").GetProperty("started").GetInt32());
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

        // Unsigned: MQTT does not say who published, so the audit says so and keeps the claim, marked as one.
        var actor = $"mqtt:unverified (claimed {ops.ClientId}/alice)";
        foreach (var (request, action) in new[] { ("req-ping", "ping"), ("req-pause", "pause-uploads"), ("req-resend", "resend-study"), ("req-unknown", "unknown-command"), ("req-missing", "resend-study") })
            Assert.Equal(1L, Scalar(folder, $"SELECT COUNT(*) FROM audit WHERE request_id = '{request}' AND action = '{action}' AND actor = '{actor}';"));
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE request_id = 'req-twice';"));
        Assert.StartsWith("error unknown-command", QueryText(folder, "SELECT result FROM audit WHERE request_id = 'req-unknown';"), StringComparison.Ordinal);
        var executed = await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.CommandExecuted
            && j.GetProperty("data").GetProperty("requestId").GetString() == "req-resend", Patience);
        Assert.Equal(actor, executed.GetProperty("data").GetProperty("actor").GetString());
        Assert.True(executed.GetProperty("data").GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Erase_patient_over_mqtt_is_refused_while_destructive_commands_are_off_even_when_signed()
    {
        using var folder = new TemporaryDirectory();
        using var alice = new OperatorKey("alice");
        var mqttPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        await using var subscriber = await MosquittoSubscriber.ConnectAsync(mqttPort, Status);
        await using var ops = await MqttRequester.ConnectAsync(mqttPort, "ops/answers/off");
        var (gateway, _) = await StartAsync(folder, mqttPort, Operators(folder, alice));
        await using var owned = gateway;
        await subscriber.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "online", Patience);

        var unsigned = await ops.RequestAsync(Prefix + "/cmd/erase-patient", "off-unsigned", """{"patientId": "PAT-4711", "cloud": true}""");
        var signed = await ops.RequestRawAsync(Prefix + "/cmd/erase-patient",
            alice.Payload("erase-patient", "off-signed", """{"cloud":true,"patientId":"PAT-4711"}""", OperatorKey.Now));
        var ping = await ops.RequestRawAsync(Prefix + "/cmd/ping", alice.Payload("ping", "off-ping", "{}", OperatorKey.Now));

        AssertForbidden(unsigned, "Mqtt:Commands:AllowDestructive");
        AssertForbidden(signed, "Mqtt:Commands:AllowDestructive");
        Assert.True(ping.GetProperty("ok").GetBoolean(), MqttRequester.Text(ping));
        Assert.Equal(2L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'erase-patient' AND result LIKE 'error forbidden:%';"));
        Assert.Equal(0L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'erase-patient' AND result NOT LIKE 'error forbidden:%';"));
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE request_id = 'off-ping' AND actor = 'mqtt:signed:alice';"));
    }

    [Fact]
    public async Task Signed_erase_patient_runs_for_a_configured_key_and_bad_unknown_stale_or_replayed_requests_are_refused()
    {
        using var folder = new TemporaryDirectory();
        using var alice = new OperatorKey("alice");
        using var bob = new OperatorKey("bob");
        using var mallory = new OperatorKey("mallory");
        var mqttPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        await using var subscriber = await MosquittoSubscriber.ConnectAsync(mqttPort, Prefix + "/#");
        await using var ops = await MqttRequester.ConnectAsync(mqttPort, "ops/answers/signed");
        var settings = Operators(folder, alice, bob);
        settings["IMAGING_EDGE__Mqtt__Commands__AllowDestructive"] = "true";
        var (gateway, _) = await StartAsync(folder, mqttPort, settings);
        await using var first = gateway; // stopped below; disposed (killed) here only if the test fails before
        await subscriber.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "online", Patience);
        const string Topic = Prefix + "/cmd/erase-patient";
        const string Args = """{"cloud":true,"patientId":"PAT-4711"}""";

        var unsigned = await ops.RequestAsync(Topic, "e-unsigned", Args);
        // The arguments on the wire in another order and spacing: the signature covers their canonical form.
        var valid = alice.Payload("erase-patient", "e-valid", Args, OperatorKey.Now, sentArgs: """{ "patientId": "PAT-4711", "cloud": true }""");
        var signed = await ops.RequestRawAsync(Topic, valid);
        var tampered = await ops.RequestRawAsync(Topic, alice.Payload("erase-patient", "e-tampered", Args, OperatorKey.Now,
            sentArgs: """{"cloud":true,"patientId":"PAT-0815"}"""));
        var unknown = await ops.RequestRawAsync(Topic, mallory.Payload("erase-patient", "e-unknown", Args, OperatorKey.Now));
        var impostor = await ops.RequestRawAsync(Topic, mallory.Payload("erase-patient", "e-impostor", Args, OperatorKey.Now, claimedName: "alice"));
        var otherGateway = await ops.RequestRawAsync(Topic, alice.Payload("erase-patient", "e-other-gw", Args, OperatorKey.Now, gateway: "gw-u"));
        var stale = await ops.RequestRawAsync(Topic, alice.Payload("erase-patient", "e-stale", Args, OperatorKey.Now - 600));
        var early = await ops.RequestRawAsync(Topic, alice.Payload("erase-patient", "e-early", Args, OperatorKey.Now + 600));
        var reused = await ops.RequestRawAsync(Topic, alice.Payload("erase-patient", "e-valid", Args, OperatorKey.Now + 1));
        var bobPing = await ops.RequestRawAsync(Prefix + "/cmd/ping", bob.Payload("ping", "e-bob", "{}", OperatorKey.Now));

        AssertForbidden(unsigned, "signed");
        Assert.True(signed.GetProperty("ok").GetBoolean(), MqttRequester.Text(signed));
        Assert.Equal("e-valid", signed.GetProperty("requestId").GetString());
        AssertForbidden(tampered, "signature");
        AssertForbidden(unknown, "unknown operator");
        AssertForbidden(impostor, "signature");
        AssertForbidden(otherGateway, "signature");
        AssertForbidden(stale, "timestamp");
        AssertForbidden(early, "timestamp");
        AssertForbidden(reused, "already");
        Assert.True(bobPing.GetProperty("ok").GetBoolean(), MqttRequester.Text(bobPing));

        // The very same message replayed after a restart: the request ids seen are kept in queue.db.
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var (restarted, _) = await StartAsync(folder, mqttPort, settings);
        await using var owned = restarted;
        var replayed = await ops.RequestRawAsync(Topic, valid);
        AssertForbidden(replayed, "already");

        // The audit names the verified key, never what a request claims; every refusal is audited too.
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'erase-patient' AND result NOT LIKE 'error%';"));
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE request_id = 'e-valid' AND actor = 'mqtt:signed:alice' AND result NOT LIKE 'error%';"));
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE request_id = 'e-bob' AND actor = 'mqtt:signed:bob';"));
        Assert.Equal(1L, Scalar(folder, $"SELECT COUNT(*) FROM audit WHERE request_id = 'e-impostor' AND actor = 'mqtt:unverified (claimed {ops.ClientId}/alice)';"));
        Assert.Equal(9L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'erase-patient' AND result LIKE 'error forbidden:%';"));
        var executed = await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.CommandExecuted
            && j.GetProperty("data").GetProperty("requestId").GetString() == "e-valid", Patience);
        Assert.Equal("mqtt:signed:alice", executed.GetProperty("data").GetProperty("actor").GetString());
    }

    /// <summary>Gateway settings naming the operators' public keys: the first from a PEM file, the others inline.</summary>
    private static Dictionary<string, string> Operators(TemporaryDirectory folder, params OperatorKey[] keys)
    {
        var settings = new Dictionary<string, string>();
        for (var i = 0; i < keys.Length; i++)
        {
            settings[$"IMAGING_EDGE__Mqtt__Commands__Operators__{i}__Name"] = keys[i].Name;
            if (i == 0)
            {
                var file = folder.Combine(keys[i].Name + ".pub.pem");
                File.WriteAllText(file, keys[i].PublicKeyPem);
                settings[$"IMAGING_EDGE__Mqtt__Commands__Operators__{i}__PublicKeyFile"] = file;
            }
            else
            {
                settings[$"IMAGING_EDGE__Mqtt__Commands__Operators__{i}__PublicKey"] = keys[i].PublicKeyPem;
            }
        }
        return settings;
    }

    private static void AssertForbidden(System.Text.Json.JsonElement answer, string reason)
    {
        Assert.False(answer.GetProperty("ok").GetBoolean(), MqttRequester.Text(answer));
        Assert.Equal("forbidden", answer.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(reason, answer.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PAT-", MqttRequester.Text(answer), StringComparison.Ordinal);
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
