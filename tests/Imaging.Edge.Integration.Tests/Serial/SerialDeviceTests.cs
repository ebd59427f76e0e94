using System.Text.Json;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Imaging.Edge.Tests;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Serial;

/// <summary>
/// A serial device end to end, over a real pseudo-terminal pair (socat) that the gateway opens with System.IO.Ports:
/// an ASTM instrument sends results, the gateway stores an SR and a Raw Data instance before it acknowledges the last
/// frame, uploads them, and shows the device in its status; the cable pulled and plugged again; a bad checksum;
/// the disk below the reserve; a port that does not exist.
/// </summary>
public sealed class SerialDeviceTests
{
    internal static readonly string[] Records =
    [
        @"H|\^&|||BG900^1.0|||||||P|1",
        "P|1||PID-SERIAL-1||Doe^Jane||19700101|F",
        "O|1|SPEC-77||^^^GLU|R",
        "R|1|^^^GLU|5.4|mmol/L||N||F||||20261202101500",
        "R|2|^^^NA|140|mmol/L||N||F||||20261202101500",
        "L|1|N",
    ];

    private const string SrClass = "1.2.840.10008.5.1.4.1.1.88.33";
    private const string RawDataClass = "1.2.840.10008.5.1.4.1.1.66";

    [Fact]
    public async Task A_message_over_the_cable_is_acknowledged_only_once_stored_as_sr_and_raw_data_and_is_uploaded()
    {
        await using var scene = await SerialScene.StartAsync();
        await scene.WaitForDeviceAsync("connected");

        await using var line = scene.Cable!.OpenDeviceEnd();
        var instrument = new AstmInstrument(line);
        Assert.True(await instrument.SendAsync(Records, textPerFrame: 60), $"the gateway refused the message\n{scene.Gateway.Output}");

        // The last frame's ACK came after the commit: both rows are there the moment the instrument has it.
        Assert.Equal(1L, Scalar(scene.Folder, $"SELECT COUNT(*) FROM instances WHERE sop_class_uid = '{SrClass}' AND source = '{SerialScene.DeviceName}';"));
        Assert.Equal(1L, Scalar(scene.Folder, $"SELECT COUNT(*) FROM instances WHERE sop_class_uid = '{RawDataClass}' AND source = '{SerialScene.DeviceName}';"));
        Assert.Equal(1L, Scalar(scene.Folder, "SELECT COUNT(DISTINCT study_id) FROM instances;"));
        Assert.Equal(2L, Scalar(scene.Folder, "SELECT COUNT(*) FROM instances WHERE priority = 2;"));

        await WaitUntilAsync(() => Scalar(scene.Folder, "SELECT COUNT(*) FROM instances WHERE state = 'uploaded';") == 2, "both objects uploaded", scene);
        var device = await scene.DeviceStatusAsync();
        Assert.True((bool)device["connected"]!);
        Assert.Equal(1L, (long)device["messages"]!);
        Assert.Equal(2L, (long)device["objects"]!);
        Assert.NotNull(device["lastFrame"]);
        Assert.Equal("astm-e1394", (string?)device["profile"]);

        // Uploaded objects as dcmdump reads them: the SR's measurement and the raw bytes as the instrument sent them.
        var uploaded = Directory.GetFiles(scene.Folder.Combine("var"), "*.dcm", SearchOption.AllDirectories)
            .Where(f => f.StartsWith(scene.Folder.Combine("var", "cloud"), StringComparison.Ordinal)).ToList();
        var dumps = await Task.WhenAll(uploaded.Select(f => ProcessRunner.RunAsync("dcmdump", ["+P", "0008,0016", "+P", "0040,a30a", f], TimeSpan.FromSeconds(30))));
        Assert.Equal(2, uploaded.Count);
        Assert.Contains(dumps, d => d.StandardOutput.Contains("=ComprehensiveSRStorage", StringComparison.Ordinal) && d.StandardOutput.Contains("DS [5.4]", StringComparison.Ordinal));
        Assert.Contains(dumps, d => d.StandardOutput.Contains("=RawDataStorage", StringComparison.Ordinal));
        // The Raw Data instance holds the bytes as they came down the cable: ENQ and the frames with their checksums.
        var wire = AstmInstrument.Transfer(Records, textPerFrame: 60)[..^1]; // the EOT comes after the last ACK, with the next message
        Assert.Contains(uploaded, f => File.ReadAllBytes(f).AsSpan().IndexOf(wire) >= 0);
        Assert.DoesNotContain("PID-SERIAL-1", scene.Gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Doe", scene.Gateway.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The shipped non-ASTM profiles over the cable: a refractor (stx-etx, 2400 baud 7E2, no replies) gives an
    /// Autorefraction object, a monitor (escaped-binary, PPP-like, FCS-16) a Comprehensive SR, each with its Raw Data,
    /// both uploaded. The device plays its shipped capture, as it sends it.
    /// </summary>
    [Theory]
    [InlineData("nidek-rt5100", "both-eyes.cap", "1.2.840.10008.5.1.4.1.1.78.2", "=AutorefractionMeasurementsStorage")]
    [InlineData("example-monitor-pm", "vitals.bin", "1.2.840.10008.5.1.4.1.1.88.33", "=ComprehensiveSRStorage")]
    public async Task A_shipped_device_profile_over_the_cable_gives_its_dicom_object_and_raw_data(string profile, string capture, string sopClass, string dcmdumpName)
    {
        await using var scene = await SerialScene.StartAsync(profile);
        await scene.WaitForDeviceAsync("connected");
        var bytes = await File.ReadAllBytesAsync(Repository.File("hardware-profiles", "captures", profile, capture));

        await using (var line = scene.Cable!.OpenDeviceEnd())
        {
            await line.WriteAsync(bytes);
            await line.FlushAsync();
            await WaitUntilAsync(() => Scalar(scene.Folder, $"SELECT COUNT(*) FROM instances WHERE sop_class_uid = '{sopClass}';") == 1
                && Scalar(scene.Folder, $"SELECT COUNT(*) FROM instances WHERE sop_class_uid = '{RawDataClass}';") == 1, $"{profile}: its object and Raw Data queued", scene);
        }

        await WaitUntilAsync(() => Scalar(scene.Folder, "SELECT COUNT(*) FROM instances WHERE state = 'uploaded';") == 2, "both uploaded", scene);
        var uploaded = Directory.GetFiles(scene.Folder.Combine("var", "cloud"), "*.dcm", SearchOption.AllDirectories);
        var dumps = await Task.WhenAll(uploaded.Select(f => ProcessRunner.RunAsync("dcmdump", ["+P", "0008,0016", f], TimeSpan.FromSeconds(30))));
        Assert.Contains(dumps, d => d.StandardOutput.Contains(dcmdumpName, StringComparison.Ordinal));
        Assert.Contains(uploaded, f => File.ReadAllBytes(f).AsSpan().IndexOf(bytes) >= 0); // the Raw Data: the capture's bytes, exactly
        Assert.Equal(1L, (long)(await scene.DeviceStatusAsync())["messages"]!);
    }

    [Fact]
    public async Task Mqtt_shows_the_device_connected_its_last_frame_and_disconnected_with_events_and_no_patient_data()
    {
        var mqttPort = GatewayProcess.FreePort();
        using var brokerFolder = new TemporaryDirectory();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, brokerFolder.Combine("broker"));
        await using var subscriber = await MosquittoSubscriber.ConnectAsync(mqttPort, Prefix + "/#");
        await using var scene = await SerialScene.StartAsync(environment: new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Gateway__SiteId"] = "site-t",
            ["IMAGING_EDGE__Gateway__GatewayId"] = "gw-t",
            ["IMAGING_EDGE__Mqtt__Host"] = "127.0.0.1",
            ["IMAGING_EDGE__Mqtt__Port"] = Text(mqttPort),
            ["IMAGING_EDGE__Mqtt__HeartbeatSeconds"] = "1",
        });
        var patience = TimeSpan.FromSeconds(30);
        await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == "device.connected"
            && j.GetProperty("data").GetProperty("device").GetString() == SerialScene.DeviceName
            && j.GetProperty("data").GetProperty("port").GetString() == scene.GatewayEnd, patience);

        await using (var line = scene.Cable!.OpenDeviceEnd())
            Assert.True(await new AstmInstrument(line).SendAsync(Records), scene.Gateway.Output);
        await subscriber.WaitForAsync(Status, j => Device(j) is { } d && d.GetProperty("connected").GetBoolean()
            && d.GetProperty("lastFrame").ValueKind == JsonValueKind.String && d.GetProperty("messages").GetInt64() == 1, patience);
        scene.Unplug();

        await subscriber.WaitForAsync(Status, j => Device(j) is { } d && !d.GetProperty("connected").GetBoolean() && d.GetProperty("state").GetString() == "disconnected", patience);
        await subscriber.WaitForAsync(Events, j => j.GetProperty("type").GetString() == "device.disconnected", patience);
        foreach (var (topic, payload, _) in subscriber.Messages)
        {
            Assert.DoesNotContain("PID-SERIAL-1", payload, StringComparison.Ordinal);
            Assert.DoesNotContain("Doe", payload, StringComparison.Ordinal);
        }
    }

    private static JsonElement? Device(JsonElement status) =>
        status.TryGetProperty("devices", out var devices)
            ? devices.EnumerateArray().Where(d => d.GetProperty("name").GetString() == SerialScene.DeviceName).Cast<JsonElement?>().FirstOrDefault()
            : null;

    internal static async Task WaitUntilAsync(Func<bool> condition, string what, SerialScene scene, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"never: {what}\n{scene.Gateway.Output}");
            await Task.Delay(200);
        }
    }
}
