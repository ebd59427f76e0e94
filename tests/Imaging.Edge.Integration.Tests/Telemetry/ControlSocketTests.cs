using Imaging.Edge.Integration.Tests.Infrastructure;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Telemetry;

/// <summary>The same commands on the box, through the control socket and <c>imaging-edge control</c> / <c>status</c>.</summary>
public sealed class ControlSocketTests
{
    [Fact]
    public async Task Control_commands_answer_through_the_socket_are_audited_as_the_local_user_and_errors_exit_non_zero()
    {
        using var folder = new TemporaryDirectory();
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"],
            new Dictionary<string, string> { ["IMAGING_EDGE__Dicom__Port"] = Text(port), ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1" }, folder.Path);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));

        var ping = await Cli(folder, "control", "ping");
        var pause = await Cli(folder, "control", "pause-uploads");
        var status = await Cli(folder, "status");
        var statusJson = await Cli(folder, "status", "--json");
        var unknown = await Cli(folder, "control", "frobnicate");
        var badArgument = await Cli(folder, "control", "resend-study", "study=not-a-pseudonym");
        var notKeyValue = await Cli(folder, "control", "resend-study", "oops");

        Assert.True(ping.ExitCode == 0, ping.Output);
        Assert.Contains("\"pong\": true", ping.StandardOutput);
        Assert.True(pause.ExitCode == 0, pause.Output);
        Assert.Equal(1, status.ExitCode); // degraded: paused
        Assert.Contains("DEGRADED", status.StandardOutput);
        Assert.Contains("uploads paused", status.StandardOutput);
        Assert.Contains("\"paused\": true", statusJson.StandardOutput);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown-command", unknown.StandardOutput);
        Assert.Equal(2, badArgument.ExitCode);
        Assert.Contains("pseudonym", badArgument.StandardOutput);
        Assert.Equal(2, notKeyValue.ExitCode);
        var user = Environment.UserName;
        Assert.Equal(1L, Scalar(folder, $"SELECT COUNT(*) FROM audit WHERE action = 'ping' AND actor = 'local:{user}';"));
        Assert.Equal(1L, Scalar(folder, $"SELECT COUNT(*) FROM audit WHERE action = 'unknown-command' AND actor = 'local:{user}';"));

        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(folder.Combine("var", "control.sock")));
        var stopped = await Cli(folder, "control", "ping");
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("no gateway is running", stopped.StandardError);
    }

    private static Task<ProcessResult> Cli(TemporaryDirectory folder, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, .. args], workingDirectory: folder.Path);
}
