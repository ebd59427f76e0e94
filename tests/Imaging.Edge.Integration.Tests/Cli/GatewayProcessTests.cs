using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Cli;

/// <summary>The real executable: configuration from file and environment, start-up refusal, clean stop, echo and send.</summary>
public sealed class GatewayProcessTests
{
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Bad_configuration_stops_start_up_naming_the_key()
    {
        using var folder = new TemporaryDirectory();
        await using var gateway = GatewayProcess.Start(["run"],
            new Dictionary<string, string> { ["IMAGING_EDGE__Dicom__Port"] = "99999", ["IMAGING_EDGE__Dicom__AeTitle"] = "" }, folder.Path);

        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        Assert.Contains("Dicom:Port: must be between 1 and 65535 (was 99999)", gateway.Output);
        Assert.Contains("Dicom:AeTitle", gateway.Output);
        Assert.False(Directory.Exists(folder.Combine("var")), "nothing is created when the configuration is refused");
    }

    [Theory]
    [InlineData("INVOCATION_ID", "")]
    [InlineData("NOTIFY_SOCKET", "")]
    [InlineData("INVOCATION_ID", "file:{data}/elsewhere")]
    public async Task Under_systemd_an_upload_folder_inside_the_data_folder_is_refused(string variable, string destination)
    {
        using var folder = new TemporaryDirectory();
        var data = folder.Combine("data");
        await using var gateway = GatewayProcess.Start(["run"], new Dictionary<string, string>
        {
            [variable] = variable == "NOTIFY_SOCKET" ? folder.Combine("notify.sock") : "0123456789abcdef",
            ["IMAGING_EDGE__Gateway__DataDir"] = data,
            ["IMAGING_EDGE__Upload__Destination"] = destination.Replace("{data}", data, StringComparison.Ordinal),
            ["IMAGING_EDGE__Dicom__Port"] = Text(GatewayProcess.FreePort()),
        }, folder.Path);

        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        Assert.Contains("Upload:Destination", gateway.Output);
        Assert.Contains("s3", gateway.Output);
        Assert.False(Directory.Exists(data), "nothing is created when the destination is refused");
    }

    [Fact]
    public async Task Under_systemd_an_upload_folder_outside_the_data_folder_is_accepted()
    {
        using var folder = new TemporaryDirectory();
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"], new Dictionary<string, string>
        {
            ["INVOCATION_ID"] = "0123456789abcdef",
            ["IMAGING_EDGE__Gateway__DataDir"] = folder.Combine("data"),
            ["IMAGING_EDGE__Upload__Destination"] = "file:" + folder.Combine("bucket"),
            ["IMAGING_EDGE__Dicom__Port"] = Text(port),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
        }, folder.Path);

        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Environment_overrides_the_config_file_and_sigterm_stops_cleanly()
    {
        using var folder = new TemporaryDirectory();
        var filePort = GatewayProcess.FreePort();
        var envPort = GatewayProcess.FreePort();
        var config = folder.Combine("edge.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Dicom": { "AeTitle": "FROM_FILE", "Port": {{filePort}}, "BindAddress": "127.0.0.1" },
              "Gateway": { "DataDir": "{{folder.Combine("data")}}" } }
            """);
        await using var gateway = GatewayProcess.Start(["run", "--config", config],
            new Dictionary<string, string> { ["IMAGING_EDGE__Dicom__Port"] = Text(envPort) }, folder.Path);
        await gateway.WaitForPortAsync(envPort, TimeSpan.FromSeconds(30));

        var echo = await ProcessRunner.RunAsync("echoscu", ["-aec", "FROM_FILE", "127.0.0.1", Text(envPort)]);
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "FROM_FILE", "-xe", "127.0.0.1", Text(envPort), PydicomCorpus.File("MR_small.dcm")]);
        gateway.Terminate();
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(echo.ExitCode == 0, echo.Output);
        Assert.True(store.ExitCode == 0, store.Output);
        Assert.Equal(0, exitCode);
        // A clean stop is quiet: no part of the gateway fails or dies on the way out (the control socket's accept once did).
        Assert.DoesNotContain(" crit: ", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" fail: ", gateway.Output, StringComparison.Ordinal);
        Assert.Single(Directory.EnumerateFiles(folder.Combine("data", "studies"), "*.dcm", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Echo_and_send_commands_talk_to_a_receiver()
    {
        await using var receiver = new ReceiverUnderTest();
        using var folder = new TemporaryDirectory();
        File.Copy(PydicomCorpus.File("CT_small.dcm"), folder.Combine("a.dcm"));
        File.Copy(PydicomCorpus.File("JPEG2000.dcm"), folder.Combine("b.dcm"));
        await File.WriteAllTextAsync(folder.Combine("notes.txt"), "not DICOM");

        var echo = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "echo", "127.0.0.1", receiver.PortText, "--aec", ReceiverUnderTest.AeTitle]);
        var send = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "send", "127.0.0.1", receiver.PortText, folder.Path, "--aec", ReceiverUnderTest.AeTitle]);
        var wrongAe = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "echo", "127.0.0.1", receiver.PortText, "--aec", "NOBODY"]);

        Assert.True(echo.ExitCode == 0, echo.Output);
        Assert.Contains("status 0x0000", echo.StandardOutput);
        Assert.True(send.ExitCode == 0, send.Output);
        Assert.Contains("sent 2 of 2 instances", send.StandardOutput);
        Assert.Contains("1 not DICOM", send.StandardOutput);
        Assert.Equal(2, receiver.ReceivedFiles().Count);
        Assert.Equal(1, wrongAe.ExitCode);
        Assert.Contains("rejected", wrongAe.StandardError);
    }

    [Fact]
    public async Task Command_line_mistakes_exit_with_usage_errors()
    {
        var unknown = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "frobnicate"]);
        var badPort = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "echo", "127.0.0.1", "notaport"]);

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Unrecognized command or argument 'frobnicate'", unknown.StandardError);
        Assert.Equal(2, badPort.ExitCode);
        Assert.Contains("PORT must be between 1 and 65535", badPort.StandardError);
    }

    [Fact]
    public async Task Embedded_default_uploads_to_the_local_folder_and_status_reports_it()
    {
        using var folder = new TemporaryDirectory();
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"],
            new Dictionary<string, string> { ["IMAGING_EDGE__Dicom__Port"] = Text(port), ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1" }, folder.Path);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        var inputs = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in"), 2);

        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "-xe", "127.0.0.1", Text(port), .. inputs]);
        Assert.True(store.ExitCode == 0, store.Output);
        ProcessResult status = new(1, "", "");
        for (var i = 0; i < 100 && !status.StandardOutput.Contains("\"uploaded\": 2", StringComparison.Ordinal); i++)
        {
            await Task.Delay(200);
            status = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "status", "--json"], workingDirectory: folder.Path);
        }

        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("\"uploaded\": 2", status.StandardOutput);
        Assert.Contains("\"endpoint\": \"file\"", status.StandardOutput);
        Assert.Contains("\"state\": \"online\"", status.StandardOutput); // the running gateway answered, not the queue file
        Assert.Contains("\"instancesToday\": 2", status.StandardOutput);
        var stored = Directory.EnumerateFiles(folder.Combine("var", "studies"), "*.dcm", SearchOption.AllDirectories).ToList();
        var cloud = Directory.EnumerateFiles(folder.Combine("var", "cloud"), "*.dcm", SearchOption.AllDirectories).ToList();
        Assert.Equal(2, cloud.Count);
        foreach (var object_ in cloud)
        {
            // Default keys name the object by the SHA-256 of the file (README, "Object keys").
            var local = stored.Single(f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))) + ".dcm" == Path.GetFileName(object_));
            Assert.Equal(await File.ReadAllBytesAsync(local), await File.ReadAllBytesAsync(object_));
            Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(local))),
                await File.ReadAllTextAsync(object_ + ".meta.json"));
        }
    }
}
