using Imaging.Edge.Integration.Tests.Infrastructure;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Telemetry;

/// <summary>What ops see when the bucket cannot be reached: degraded with the reason, the open circuit, the backlog, the warnings.</summary>
public sealed class DegradedStatusTests
{
    [Fact]
    public async Task An_unreachable_store_shows_degraded_with_the_open_circuit_and_warnings_are_forwarded()
    {
        using var folder = new TemporaryDirectory();
        var mqttPort = GatewayProcess.FreePort();
        var deadStore = GatewayProcess.FreePort(); // nothing listens there
        var keys = folder.Combine("keys");
        Directory.CreateDirectory(keys);
        await File.WriteAllTextAsync(Path.Combine(keys, "key"), "S3RVER");
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        await using var subscriber = await MosquittoSubscriber.ConnectAsync(mqttPort, Prefix + "/#");
        var (gateway, dicomPort) = await StartAsync(folder, mqttPort, new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Upload__Destination"] = "s3",
            ["IMAGING_EDGE__Upload__S3__ServiceUrl"] = $"http://127.0.0.1:{Text(deadStore)}",
            ["IMAGING_EDGE__Upload__S3__Bucket"] = "nowhere",
            ["IMAGING_EDGE__Upload__S3__Region"] = "us-east-1",
            ["IMAGING_EDGE__Upload__S3__PathStyle"] = "true",
            ["IMAGING_EDGE__Upload__S3__AccessKeyFile"] = Path.Combine(keys, "key"),
            ["IMAGING_EDGE__Upload__S3__SecretKeyFile"] = Path.Combine(keys, "key"),
            ["IMAGING_EDGE__Upload__MaxRetryAttempts"] = "1",
            ["IMAGING_EDGE__Upload__CircuitBreakSeconds"] = "60",
        });
        await using var owned = gateway;
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in"), 6);

        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(dicomPort), .. files]);
        Assert.True(store.ExitCode == 0, store.Output);

        var degraded = await subscriber.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "degraded"
            && j.GetProperty("upload").GetProperty("circuits").GetProperty("primary").GetString() == "open", TimeSpan.FromSeconds(60));
        Assert.Contains(degraded.GetProperty("reasons").EnumerateArray(), r => r.GetString() == "upload endpoint primary unavailable");
        Assert.Equal(6, degraded.GetProperty("queue").GetProperty("pending").GetInt64() + degraded.GetProperty("queue").GetProperty("uploading").GetInt64());
        Assert.True(degraded.GetProperty("queue").GetProperty("bytesPending").GetInt64() > 0);
        Assert.True(degraded.GetProperty("queue").GetProperty("oldestPendingAgeSeconds").ValueKind == System.Text.Json.JsonValueKind.Number);
        var warning = await subscriber.WaitForAsync(Prefix + "/logs/warning", j => j.GetProperty("category").GetString()!.Contains("Upload", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Equal("warning", warning.GetProperty("level").GetString());
        Assert.True(warning.GetProperty("eventId").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(warning.GetProperty("message").GetString()));

        // The heartbeat goes on, small, beside the status.
        var heartbeat = await subscriber.WaitForAsync(Prefix + "/heartbeat", j => j.GetProperty("state").GetString() == "degraded", TimeSpan.FromSeconds(15));
        Assert.True(heartbeat.GetProperty("queue").GetProperty("pending").GetInt64() > 0);
        Assert.False(heartbeat.TryGetProperty("upload", out _)); // small: state, uptime and backlog only
    }
}
