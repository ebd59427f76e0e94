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
        Assert.Equal(3, stopped.ExitCode); // not reachable
        Assert.Contains("no gateway is running", stopped.StandardError);
    }

    [Fact]
    public async Task Only_root_and_the_service_user_may_erase_through_the_socket_other_members_of_its_group_may_read()
    {
        Assert.True(Environment.UserName == "root", "this test runs the client as another user and so needs root");
        using var folder = new TemporaryDirectory();
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"],
            new Dictionary<string, string> { ["IMAGING_EDGE__Dicom__Port"] = Text(port), ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1" }, folder.Path);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        // nobody stands for a field engineer in the service group: the socket's group (mode 0660) is made theirs.
        var socket = folder.Combine("var", "control.sock");
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !File.Exists(socket) && DateTime.UtcNow < deadline;)
            await Task.Delay(50); // the DICOM port may open before the control socket does
        var folders = new List<string>();
        for (var path = folder.Path; path != "/"; path = Path.GetDirectoryName(path)!) folders.Add(path);
        var chmod = await ProcessRunner.RunAsync("chmod", ["o+x", .. folders]);
        Assert.True(chmod.ExitCode == 0, chmod.Output);
        // the data folder is 0750 (Hosting/FileModes): its group, the service group, is theirs too
        var chgrp = await ProcessRunner.RunAsync("chgrp", [Text(Nobody), socket, folder.Combine("var")]);
        Assert.True(chgrp.ExitCode == 0, chgrp.Output);

        var groupPing = await CliAsNobody(folder, "control", "ping");
        var groupStatus = await CliAsNobody(folder, "status", "--json");
        var groupPause = await CliAsNobody(folder, "control", "pause-uploads");
        var groupErase = await CliAsNobody(folder, "control", "erase-patient", "patientId=PAT-NOBODY");
        var rootErase = await Cli(folder, "control", "erase-patient", "patientId=PAT-ROOT");

        Assert.True(groupPing.ExitCode == 0, groupPing.Output);
        Assert.Contains("\"pong\": true", groupPing.StandardOutput);
        Assert.True(groupStatus.StandardOutput.Contains("\"paused\": false", StringComparison.Ordinal), groupStatus.Output);
        Assert.True(groupPause.ExitCode == 0, groupPause.Output);
        Assert.Equal(1, groupErase.ExitCode);
        Assert.Contains("\"forbidden\"", groupErase.StandardOutput);
        Assert.DoesNotContain("PAT-NOBODY", groupErase.Output);
        Assert.True(rootErase.ExitCode == 0, rootErase.Output);
        Assert.Contains("\"ok\": true", rootErase.StandardOutput);
        // The kernel's uid, named through NSS; the refusal is audited, and nothing was erased for it.
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'ping' AND actor = 'local:nobody';"));
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'erase-patient' AND actor = 'local:nobody' AND result LIKE 'error forbidden:%';"));
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'erase-patient' AND actor = 'local:root' AND result NOT LIKE 'error%';"));
        Assert.Equal(2L, Scalar(folder, "SELECT COUNT(*) FROM audit WHERE action = 'erase-patient';"));
    }

    private const int Nobody = 65534;

    /// <summary>The command line run as uid/gid 65534 (nobody/nogroup) with no other groups, as a member of the socket's group would.</summary>
    private static Task<ProcessResult> CliAsNobody(TemporaryDirectory folder, params string[] args) =>
        ProcessRunner.RunAsync("setpriv", ["--reuid=" + Text(Nobody), "--regid=" + Text(Nobody), "--clear-groups", "--",
            "dotnet", GatewayProcess.ExecutablePath, .. args], workingDirectory: folder.Path,
            environment: new Dictionary<string, string> { ["HOME"] = "/tmp", ["DOTNET_CLI_HOME"] = "/tmp", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });

    [Fact]
    public async Task Idle_connections_cannot_tie_up_the_socket_one_too_many_is_refused_and_the_socket_serves_again()
    {
        using var folder = new TemporaryDirectory();
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"],
            new Dictionary<string, string> { ["IMAGING_EDGE__Dicom__Port"] = Text(port), ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1" }, folder.Path);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        var path = folder.Combine("var", "control.sock");
        // The control socket opens after the DICOM port (hosted services start in order): wait until it answers.
        var answering = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await Cli(folder, "control", "ping")).ExitCode != 0 && DateTime.UtcNow < answering) { }

        var idle = new List<System.Net.Sockets.Socket>();
        for (var i = 0; i < 16; i++) // Gateway.Control.ControlSocketServer.MaxConcurrentRequests, each sending nothing
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            idle.Add(socket);
        }
        var refused = await Cli(folder, "control", "ping");
        foreach (var socket in idle) socket.Dispose();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        ProcessResult served;
        while ((served = await Cli(folder, "control", "ping")).ExitCode != 0 && DateTime.UtcNow < deadline) { }

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("unavailable", refused.Output, StringComparison.Ordinal);
        Assert.True(served.ExitCode == 0, served.Output);
    }

    private static Task<ProcessResult> Cli(TemporaryDirectory folder, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, .. args], workingDirectory: folder.Path);
}
