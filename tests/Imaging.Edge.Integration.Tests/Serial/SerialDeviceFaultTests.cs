using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;
using static Imaging.Edge.Integration.Tests.Serial.SerialDeviceTests;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Serial;

/// <summary>
/// What goes wrong with a serial device, over a real pty pair: the cable pulled and plugged in again, a frame with a
/// wrong checksum, the disk below the reserve, a port that is not there yet, a profile with an error at a reload.
/// </summary>
public sealed class SerialDeviceFaultTests
{
    private const string SrCount = "SELECT COUNT(*) FROM instances WHERE sop_class_uid = '1.2.840.10008.5.1.4.1.1.88.33';";

    [Fact]
    public async Task Cable_pulled_shows_disconnected_and_plugged_in_again_the_device_is_heard_again()
    {
        await using var scene = await SerialScene.StartAsync();
        await scene.WaitForDeviceAsync("connected");

        scene.Unplug();
        var down = await scene.WaitForDeviceAsync("disconnected");
        var status = await scene.StatusAsync();
        Assert.False((bool)down["connected"]!);
        Assert.Equal("degraded", (string?)status["state"]);
        Assert.Contains(status["reasons"]!.AsArray(), r => ((string?)r)!.Contains(SerialScene.DeviceName, StringComparison.Ordinal));

        await scene.PlugAsync();
        await scene.WaitForDeviceAsync("connected");
        await using var line = scene.Cable!.OpenDeviceEnd();
        Assert.True(await new AstmInstrument(line).SendAsync(Records), scene.Gateway.Output);

        Assert.Equal(1L, Scalar(scene.Folder, SrCount));
        await WaitUntilAsync(() => Count(scene.Gateway.Output, "Event device.connected") >= 2 && Count(scene.Gateway.Output, "Event device.disconnected") >= 1,
            "device.connected twice and device.disconnected once as events", scene);
    }

    [Fact]
    public async Task A_frame_with_a_wrong_checksum_is_refused_and_its_retransmission_is_stored_once()
    {
        await using var scene = await SerialScene.StartAsync();
        await scene.WaitForDeviceAsync("connected");
        await using var line = scene.Cable!.OpenDeviceEnd();
        var instrument = new AstmInstrument(line);

        // The first attempt of every frame arrives with its checksum damaged (the last hex digit changed).
        var sent = await instrument.SendAsync(Records, textPerFrame: 80, corrupt: (attempt, frame) =>
        {
            if (attempt > 0)
                return frame;
            var damaged = frame.ToArray();
            damaged[^3] = damaged[^3] == (byte)'0' ? (byte)'1' : (byte)'0';
            return damaged;
        });

        Assert.True(sent, scene.Gateway.Output);
        Assert.Equal(instrument.Replies.Count(r => r == AstmInstrument.Ack), instrument.Replies.Count(r => r == AstmInstrument.Nak) + 1);
        Assert.Equal(1L, Scalar(scene.Folder, SrCount));
        // The console logger writes on its own thread: the line may come just after the reply.
        await WaitUntilAsync(() => scene.Gateway.Output.Contains("BadChecksum", StringComparison.Ordinal), "the bad checksum logged", scene);
        var device = await scene.DeviceStatusAsync();
        Assert.True((long)device["linkProblems"]! >= 1);
        Assert.Equal(1L, (long)device["messages"]!);
    }

    [Fact]
    public async Task Below_the_disk_reserve_the_enquiry_is_refused_and_nothing_is_queued()
    {
        await using var scene = await SerialScene.StartAsync(environment: new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Retention__ReserveMegabytes"] = "100000000",
        });
        await scene.WaitForDeviceAsync("connected");
        await using var line = scene.Cable!.OpenDeviceEnd();
        var instrument = new AstmInstrument(line);

        Assert.False(await instrument.SendAsync(Records));
        Assert.False(await instrument.SendAsync(Records));

        Assert.Equal([AstmInstrument.Nak, AstmInstrument.Nak], instrument.Replies);
        Assert.Equal(0L, Scalar(scene.Folder, "SELECT COUNT(*) FROM instances;"));
        await WaitUntilAsync(() => scene.Gateway.Output.Contains("Event device.rejected", StringComparison.Ordinal), "a device.rejected event", scene);
        Assert.Equal(1, Count(scene.Gateway.Output, "Event device.rejected")); // once per spell, not per enquiry
        Assert.Contains("disk-reserve", scene.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_that_is_not_there_yet_keeps_the_gateway_running_and_is_opened_when_it_appears()
    {
        await using var scene = await SerialScene.StartAsync(plugged: false);
        var device = await scene.WaitForDeviceAsync("disconnected");
        Assert.False(string.IsNullOrEmpty((string?)device["reason"]));
        var echo = await ProcessRunner.RunAsync("echoscu", ["-aec", "IMAGING_EDGE", "127.0.0.1", scene.DicomPort.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30));
        Assert.True(echo.ExitCode == 0, echo.Output);
        await WaitUntilAsync(() => Count(scene.Gateway.Output, "cannot be opened") > 0, "the missing port logged", scene);
        Assert.Equal(1, Count(scene.Gateway.Output, "cannot be opened")); // said once, not at every retry (the echo took a few)

        await scene.PlugAsync();
        await scene.WaitForDeviceAsync("connected", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Reload_rejects_a_profile_with_an_error_keeping_the_old_listener_and_restarts_only_a_changed_one()
    {
        await using var scene = await SerialScene.StartAsync();
        await scene.WaitForDeviceAsync("connected");
        var shipped = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "astm-e1394.json"));
        var broken = scene.Folder.Combine("broken.json");
        await File.WriteAllTextAsync(broken, shipped.Replace("\"none\"", "\"nonne\"", StringComparison.Ordinal));
        var changed = scene.Folder.Combine("changed.json");
        await File.WriteAllTextAsync(changed, shipped.Replace("\"receiverTimeoutSeconds\": 30", "\"receiverTimeoutSeconds\": 20", StringComparison.Ordinal));

        var unchanged = await scene.ControlAsync("reload-profiles");
        await scene.WriteConfigAsync(broken);
        var rejected = await scene.ControlAsync("reload-profiles");
        await using (var line = scene.Cable!.OpenDeviceEnd())
            Assert.True(await new AstmInstrument(line).SendAsync(Records), "the old listener keeps going\n" + scene.Gateway.Output);
        await scene.WriteConfigAsync(changed);
        var restarted = await scene.ControlAsync("reload-profiles");

        Assert.True(unchanged.ExitCode == 0, unchanged.Output);
        Assert.Contains("\"unchanged\": 1", unchanged.StandardOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("$.port.", rejected.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("nonne", rejected.StandardOutput, StringComparison.Ordinal);
        Assert.True(restarted.ExitCode == 0, restarted.Output);
        Assert.Contains("\"started\": 1", restarted.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"stopped\": 1", restarted.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("changed", (string?)(await scene.WaitForDeviceAsync("connected"))["profile"]);
        Assert.Equal(1L, Scalar(scene.Folder, SrCount));
    }

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
