using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Hosting;

/// <summary>
/// The real executable under <c>NOTIFY_SOCKET</c> and <c>WATCHDOG_USEC</c> as systemd sets them for
/// <c>Type=notify</c> with <c>WatchdogSec=2</c>: the socket is the test's own (docs/service.md).
/// </summary>
public sealed class SystemdNotifyTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WatchdogInterval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Ready_comes_after_recovery_the_port_and_the_first_serial_open_then_status_watchdog_and_stopping()
    {
        using var folder = new TemporaryDirectory();
        using var notify = new UnixDatagramSink(folder.Combine("notify.sock"));
        var data = folder.Combine("data");
        // Left by a crash mid-receive: start-up recovery removes it, and must have done so before READY=1.
        Directory.CreateDirectory(Path.Combine(data, "spool"));
        var leftover = Path.Combine(data, "spool", "crashed.part");
        await File.WriteAllBytesAsync(leftover, new byte[1024]);
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"], Environment(folder, port, notify.Path, new()
        {
            ["IMAGING_EDGE__Serial__Devices__0__Name"] = "analyzer",
            ["IMAGING_EDGE__Serial__Devices__0__Port"] = folder.Combine("no-such-tty"),
            ["IMAGING_EDGE__Serial__Devices__0__Profile"] = "astm-e1394",
        }), folder.Path);

        var ready = Fields(notify.WaitFor(d => Fields(d).ContainsKey("READY"), StartTimeout, () => gateway.Output));

        // At READY=1, and not a moment later: the port accepts, recovery is done, the serial port was tried once.
        using (var client = new TcpClient())
            await client.ConnectAsync(IPAddress.Loopback, port);
        Assert.False(File.Exists(leftover), "READY=1 came before start-up recovery removed the spool file");
        Assert.Equal("1", ready["READY"]);
        Assert.Contains("no-such-port", ready["STATUS"], StringComparison.Ordinal);
        Assert.Contains("0 pending", ready["STATUS"], StringComparison.Ordinal);
        Assert.DoesNotContain(notify.Received.TakeWhile(d => !Fields(d).ContainsKey("READY")), d => Fields(d).ContainsKey("WATCHDOG"));

        var study = SyntheticStudies.Write(folder.Combine("send"), 1, 1).Single();
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), study.Files[0]],
            TimeSpan.FromSeconds(30));
        Assert.True(store.ExitCode == 0, store.Output);
        notify.WaitFor(d => Fields(d).TryGetValue("STATUS", out var status) && status.Contains("1 received today", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), () => gateway.Output);

        // The pings keep coming, at half the interval: three more within three intervals.
        var pings = 0;
        for (var i = 0; i < 3; i++)
        {
            notify.WaitFor(d => Fields(d).ContainsKey("WATCHDOG"), 3 * WatchdogInterval, () => gateway.Output);
            pings++;
        }
        Assert.Equal(3, pings);

        gateway.Terminate();
        var stopping = Fields(notify.WaitFor(d => Fields(d).ContainsKey("STOPPING"), TimeSpan.FromSeconds(30), () => gateway.Output));
        Assert.Equal("1", stopping["STOPPING"]);
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("disk monitor")]
    [InlineData("queue database")]
    public async Task A_wedged_component_stops_the_watchdog_pings_and_is_named_in_the_log(string component)
    {
        using var folder = new TemporaryDirectory();
        // The abstract namespace, as systemd may hand it over ("@" for the leading NUL).
        using var notify = new UnixDatagramSink("@imaging-edge-test-" + Guid.NewGuid().ToString("N"));
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"], Environment(folder, port, notify.Path, new()
        {
            ["IMAGING_EDGE_TEST_WEDGE"] = component,
        }), folder.Path);
        notify.WaitFor(d => Fields(d).ContainsKey("READY"), StartTimeout, () => gateway.Output);

        await WaitUntilAsync(() => gateway.Output.Contains($"Watchdog: {component} is wedged", StringComparison.Ordinal), TimeSpan.FromSeconds(30), gateway);
        var named = System.Diagnostics.Stopwatch.GetTimestamp();

        // From the verdict on, no ping in two whole intervals (the gateway goes on running: systemd would kill it).
        // A bounded wait on purpose: what is asserted is an absence.
        await Task.Delay(2 * WatchdogInterval);
        Assert.DoesNotContain(notify.ReceivedAfter(named), d => Fields(d).ContainsKey("WATCHDOG"));
        Assert.Contains(notify.Received, d => Fields(d).ContainsKey("WATCHDOG")); // it did ping before the wedge
        Assert.Single(gateway.Output.Split('\n'), line => line.Contains("is wedged", StringComparison.Ordinal));
        Assert.Contains("fail: ", gateway.Output.Split('\n').Single(line => line.Contains("is wedged", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Environment(TemporaryDirectory folder, int port, string notifySocket, Dictionary<string, string> extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = notifySocket,
            ["WATCHDOG_USEC"] = ((long)WatchdogInterval.TotalMicroseconds).ToString(CultureInfo.InvariantCulture),
            ["IMAGING_EDGE__Gateway__DataDir"] = folder.Combine("data"),
            ["IMAGING_EDGE__Upload__Destination"] = "file:" + folder.Combine("bucket"),
            ["IMAGING_EDGE__Dicom__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    /// <summary>The notify protocol: newline-separated <c>KEY=value</c> assignments in one datagram.</summary>
    private static Dictionary<string, string> Fields(byte[] datagram) =>
        Encoding.UTF8.GetString(datagram).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "", StringComparer.Ordinal);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("condition not met in time:\n" + gateway.Output);
            await Task.Delay(100);
        }
    }
}
