using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Cli;

/// <summary>
/// The field engineer's offline tools for serial-device profiles, as the real executable: validate the shipped
/// profiles and a broken one, and replay a shipped capture into DICOM files that dcmdump reads.
/// </summary>
public sealed class ProfilesVerbTests
{
    private static Task<ProcessResult> Profiles(string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "profiles", .. arguments], TimeSpan.FromSeconds(60), workingDirectory: workingDirectory);

    [Fact]
    public async Task Validate_accepts_the_shipped_profiles_and_names_the_json_path_of_a_typo()
    {
        using var folder = new TemporaryDirectory();
        var shipped = Directory.GetFiles(Repository.File("hardware-profiles"), "*.json").Where(f => !f.EndsWith("schema.json", StringComparison.Ordinal)).ToArray();
        var broken = folder.Combine("broken.json");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(shipped[0])).Replace("\"baudRate\"", "\"baudRatte\"", StringComparison.Ordinal));

        var good = await Profiles(folder.Path, ["validate", .. shipped]);
        var bad = await Profiles(folder.Path, "validate", broken);

        Assert.NotEmpty(shipped);
        Assert.True(good.ExitCode == 0, good.Output);
        Assert.Equal(shipped.Length, good.StandardOutput.Split('\n').Count(l => l.Contains(": valid (", StringComparison.Ordinal)));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("baudRatte", bad.StandardError, StringComparison.Ordinal);
        Assert.Contains("$.", bad.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_prints_the_results_without_patient_identity_and_writes_dicom_that_dcmdump_reads()
    {
        using var folder = new TemporaryDirectory();
        var profile = Repository.File("hardware-profiles", "astm-e1394.json");
        var capture = Repository.File("hardware-profiles", "captures", "astm-e1394", "results.astm");

        var replay = await Profiles(folder.Path, "replay", profile, capture, "--out", folder.Combine("out"));

        Assert.True(replay.ExitCode == 0, replay.Output);
        Assert.Contains("message 1:", replay.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("(patient identified)", replay.StandardOutput, StringComparison.Ordinal);
        var files = Directory.GetFiles(folder.Combine("out"), "*.dcm");
        Assert.Equal(2, files.Length); // a Comprehensive SR and the Raw Data of the bytes received
        var classes = new List<string>();
        foreach (var file in files)
        {
            var dump = await ProcessRunner.RunAsync("dcmdump", ["-Un", "+P", "SOPClassUID", file]); // -Un: the UID, not its name
            Assert.True(dump.ExitCode == 0 && dump.StandardError.Length == 0, dump.Output);
            classes.Add(dump.StandardOutput);
        }
        Assert.Contains(classes, c => c.Contains("1.2.840.10008.5.1.4.1.1.88.33", StringComparison.Ordinal));
        Assert.Contains(classes, c => c.Contains("1.2.840.10008.5.1.4.1.1.66", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_shows_the_packaged_profiles_and_the_configured_devices()
    {
        using var folder = new TemporaryDirectory();
        var config = folder.Combine("edge.json");
        await File.WriteAllTextAsync(config, """
            { "Serial": { "Devices": [ { "Name": "bg-1", "Port": "/dev/ttyUSB7", "Profile": "astm-e1394" } ] } }
            """);

        var list = await Profiles(folder.Path, "list", "--config", config);

        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Contains("astm-e1394", list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("astm-e1381, astm-e1394 -> sr", list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("bg-1 on /dev/ttyUSB7: profile astm-e1394", list.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capture_answers_the_instrument_and_records_its_bytes_exactly_which_replay_reads()
    {
        using var folder = new TemporaryDirectory();
        using var cable = await SocatPty.StartAsync(folder.Combine("ttyCAP"), folder.Combine("device"));
        var captureFile = folder.Combine("capture.astm");
        await using var capture = GatewayProcess.Start(["profiles", "capture", cable.GatewayEnd, "--profile", "astm-e1394", "--out", captureFile, "--seconds", "6"],
            new Dictionary<string, string>(), folder.Path);
        for (var i = 0; i < 300 && !capture.Output.Contains("capturing", StringComparison.Ordinal); i++)
            await Task.Delay(50);

        await using var line = cable.OpenDeviceEnd();
        var instrument = new Serial.AstmInstrument(line);
        Assert.True(await instrument.SendAsync(Serial.SerialDeviceTests.Records, textPerFrame: 100), capture.Output);
        Assert.Equal(0, await capture.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(Serial.AstmInstrument.Transfer(Serial.SerialDeviceTests.Records, 100), await File.ReadAllBytesAsync(captureFile));
        Assert.Contains("1 complete messages", capture.Output, StringComparison.Ordinal);
        var replay = await Profiles(folder.Path, "replay", "astm-e1394", captureFile);
        Assert.True(replay.ExitCode == 0, replay.Output);
        Assert.Contains("message 1: 2 results", replay.StandardOutput, StringComparison.Ordinal);
    }
}
