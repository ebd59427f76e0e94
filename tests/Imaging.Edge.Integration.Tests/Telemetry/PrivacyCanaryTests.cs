using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Telemetry;

/// <summary>
/// Studies of a patient whose name, ID and birth date are unique canary strings go through the whole gateway
/// (receive, queue, upload, manifest, events, commands, logs at Debug); nothing that leaves the box for operations
/// — MQTT (everything under <c>#</c>) and the gateway's log — may carry them.
/// </summary>
public sealed class PrivacyCanaryTests
{
    [Fact]
    public async Task No_patient_name_id_or_birth_date_reaches_the_broker_or_the_log()
    {
        using var folder = new TemporaryDirectory();
        var tag = Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var canaries = new[] { $"CANARYNAME{tag}", $"CANARYID{tag}", $"CANARYISSUER{tag}", "18870214" };
        var mqttPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        await using var everything = await MosquittoSubscriber.ConnectAsync(mqttPort, "#");
        await using var ops = await MqttRequester.ConnectAsync(mqttPort, "ops/answers/canary");
        using var alice = new OperatorKey("alice");
        var (gateway, dicomPort) = await StartAsync(folder, mqttPort, new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Logging__LogLevel__Default"] = "Debug",
            ["IMAGING_EDGE__Logging__LogLevel__Microsoft"] = "Information",
            ["IMAGING_EDGE__Mqtt__Commands__AllowDestructive"] = "true",
            ["IMAGING_EDGE__Mqtt__Commands__Operators__0__Name"] = alice.Name,
            ["IMAGING_EDGE__Mqtt__Commands__Operators__0__PublicKey"] = alice.PublicKeyPem,
        });
        await using var owned = gateway;

        var files = SyntheticStudies.Write(folder.Combine("in"), 1, 3,
            new SyntheticPatient(canaries[1], canaries[0] + "^TEST", canaries[3], canaries[2], canaries[1] + "B")).Single().Files;
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(dicomPort), .. files]);
        Assert.True(store.ExitCode == 0, store.Output);
        var again = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(dicomPort), files[0]]); // a duplicate event too
        Assert.True(again.ExitCode == 0, again.Output);
        var uploaded = await everything.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.StudyUploaded, TimeSpan.FromSeconds(60));
        // The canaries are really in what was received and uploaded, so their absence elsewhere means something.
        var inBucket = Directory.EnumerateFiles(folder.Combine("var", "cloud"), "*.dcm", SearchOption.AllDirectories).ToList();
        Assert.Equal(files.Count, inBucket.Count);
        Assert.Contains(canaries[1], System.Text.Encoding.ASCII.GetString(await File.ReadAllBytesAsync(inBucket[0])), StringComparison.Ordinal);
        var metadataFiles = Directory.EnumerateFiles(folder.Combine("var", "cloud"), "*.meta.json", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(metadataFiles);
        var metadata = string.Concat(metadataFiles.Select(File.ReadAllText));
        var study = uploaded.GetProperty("data").GetProperty("study").GetString()!;
        await ops.RequestAsync(Prefix + "/cmd/status", "canary-status");
        await ops.RequestAsync(Prefix + "/cmd/resend-study", "canary-resend", $$"""{"study": "{{study}}"}""");
        await ops.RequestAsync(Prefix + "/cmd/resend-study", "canary-bad", $$"""{"study": "{{canaries[1]}}"}"""); // echoed? must not be
        await WaitForEmptyOutboxAsync(folder);

        // Erasure over MQTT: the answer and the event say what went, with the patient only as its keyed hash.
        var erase = await ops.RequestRawAsync(Prefix + "/cmd/erase-patient",
            alice.Payload("erase-patient", "canary-erase", $$"""{"cloud":true,"patientId":"{{canaries[1]}}"}""", OperatorKey.Now));
        Assert.True(erase.GetProperty("ok").GetBoolean(), MqttRequester.Text(erase));
        Assert.Equal(3, erase.GetProperty("result").GetProperty("local").GetProperty("instances").GetInt32());
        var erased = await everything.WaitForAsync(Events, j => j.GetProperty("type").GetString() == QueueEvents.EraseCompleted, TimeSpan.FromSeconds(30));
        Assert.Equal(erase.GetProperty("result").GetProperty("patient").GetString(), erased.GetProperty("data").GetProperty("patient").GetString());
        Assert.Empty(Directory.EnumerateFiles(folder.Combine("var", "cloud"), "*.dcm", SearchOption.AllDirectories));
        var noPatient = await ops.RequestRawAsync(Prefix + "/cmd/erase-patient", alice.Payload("erase-patient", "canary-erase-bad", "{}", OperatorKey.Now));
        Assert.Equal("bad-arguments", noPatient.GetProperty("error").GetProperty("code").GetString());
        await WaitForEmptyOutboxAsync(folder);
        gateway.Terminate();
        await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // Requests to the gateway are the test's own messages; everything else on the broker came from the gateway.
        var published = everything.Messages.Where(m => !(m.Topic.StartsWith(Prefix + "/cmd/", StringComparison.Ordinal) && !m.Topic.EndsWith("/response", StringComparison.Ordinal))).ToList();
        Assert.Contains(published, m => m.Topic == Status);
        Assert.Contains(published, m => m.Topic == Prefix + "/heartbeat");
        Assert.Contains(published, m => m.Topic == Events && m.Payload.Contains(QueueEvents.InstanceDuplicate, StringComparison.Ordinal));
        Assert.Contains(published, m => m.Topic == "ops/answers/canary" && m.Payload.Contains("canary-bad", StringComparison.Ordinal));
        var log = gateway.Output;
        Assert.Contains("dbug", log, StringComparison.Ordinal); // Debug lines were written and are checked too
        foreach (var canary in canaries)
        {
            foreach (var (topic, payload, _) in published)
                Assert.False(payload.Contains(canary, StringComparison.OrdinalIgnoreCase) || topic.Contains(canary, StringComparison.OrdinalIgnoreCase),
                    $"{topic} carries a patient attribute: {payload}");
            Assert.False(log.Contains(canary, StringComparison.OrdinalIgnoreCase), $"the log carries a patient attribute ({canary})");
            Assert.DoesNotContain(canary, metadata, StringComparison.OrdinalIgnoreCase);
        }
    }
}
