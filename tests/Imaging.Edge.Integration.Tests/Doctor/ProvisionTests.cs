using System.Text.Json.Nodes;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Doctor;

/// <summary>
/// <c>imaging-edge provision</c> by flags, as a script runs it: the secrets piped on standard input, written 0600 to
/// the credential folder; a configuration the real gateway runs with; a second run keeps the first as a backup.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProvisionTests
{
    private static string[] Flags(DoctorScene scene, string site, string credentials) =>
    [
        "provision", "--config", scene.ConfigFile, "--credentials-dir", credentials, "--data-dir", scene.Folder.Combine("data"),
        "--site", site, "--gateway-id", DoctorScene.Gateway, "--ae-title", "EDGE_TEST", "--port", DoctorScene.PortText(scene.DicomPort),
        "--bind-address", "127.0.0.1", "--device", "CT_ROOM_1@127.0.0.1", "--device", "US_ROOM_2",
        "--destination", "s3rver", "--endpoint", scene.S3.ServiceUrl, "--bucket", DoctorScene.Bucket,
        "--access-key", "-", "--secret-key", "-",
        "--mqtt-host", "127.0.0.1", "--mqtt-port", DoctorScene.PortText(scene.BrokerPort),
    ];

    private const string Secrets = S3rverProcess.AccessKey + "\n" + S3rverProcess.SecretKey + "\n";

    [Fact]
    public async Task Provision_by_flags_writes_0600_credentials_and_a_configuration_the_gateway_runs_with()
    {
        await using var scene = await DoctorScene.StartAsync();
        var credentials = scene.Folder.Combine("credentials");

        var provision = await EdgeCli.RunAsync(scene.Folder.Path, Secrets, Flags(scene, DoctorScene.Site, credentials));

        Assert.True(provision.ExitCode == 0, provision.Output);
        Assert.Contains("✓ s3-primary", provision.StandardOutput, StringComparison.Ordinal); // doctor ran after writing
        Assert.DoesNotContain(S3rverProcess.SecretKey, provision.Output, StringComparison.Ordinal);
        foreach (var name in new[] { "primary-access-key", "primary-secret-key" })
        {
            var file = Path.Combine(credentials, name);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(credentials));
        Assert.Equal(S3rverProcess.SecretKey, (await File.ReadAllTextAsync(Path.Combine(credentials, "primary-secret-key"))).Trim());
        var config = JsonNode.Parse(await File.ReadAllTextAsync(scene.ConfigFile))!;
        Assert.Equal("EDGE_TEST", (string)config["Dicom"]!["AeTitle"]!);
        Assert.Equal("CT_ROOM_1", (string)config["Dicom"]!["Devices"]![0]!["AeTitle"]!);
        Assert.Equal("127.0.0.1", (string)config["Dicom"]!["Devices"]![0]!["Host"]!);
        Assert.False((bool)config["Dicom"]!["AllowUnknownCallers"]!);
        Assert.DoesNotContain(S3rverProcess.SecretKey, config.ToJsonString(), StringComparison.Ordinal);

        // systemd hands the service its credentials in $CREDENTIALS_DIRECTORY: the gateway reads them from there.
        await using var gateway = GatewayProcess.Start(["run", "--config", scene.ConfigFile],
            new Dictionary<string, string> { ["CREDENTIALS_DIRECTORY"] = credentials }, scene.Folder.Path);
        await gateway.WaitForPortAsync(scene.DicomPort, TimeSpan.FromSeconds(30));
        var echo = await ProcessRunner.RunAsync("echoscu", ["-aet", "CT_ROOM_1", "-aec", "EDGE_TEST", "127.0.0.1", DoctorScene.PortText(scene.DicomPort)]);
        var doctor = await EdgeCli.RunAsync(scene.Folder.Path, null, "doctor", "--config", scene.ConfigFile, "--credentials-dir", credentials, "--json");

        Assert.True(echo.ExitCode == 0, echo.Output + gateway.Output);
        var port = EdgeCli.Checks(doctor)["dicom-port"];
        Assert.Equal("ok", port.Result);
        Assert.Contains("running gateway", port.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_provision_keeps_the_first_configuration_as_a_backup()
    {
        await using var scene = await DoctorScene.StartAsync();
        var credentials = scene.Folder.Combine("credentials");

        var first = await EdgeCli.RunAsync(scene.Folder.Path, Secrets, [.. Flags(scene, "site-first", credentials), "--no-doctor"]);
        var firstText = await File.ReadAllTextAsync(scene.ConfigFile);
        var second = await EdgeCli.RunAsync(scene.Folder.Path, Secrets, [.. Flags(scene, "site-second", credentials), "--no-doctor"]);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        var backups = Directory.GetFiles(scene.Folder.Path, "edge.json.bak-*");
        Assert.Single(backups);
        Assert.Equal(firstText, await File.ReadAllTextAsync(backups[0]));
        Assert.Contains("site-second", await File.ReadAllTextAsync(scene.ConfigFile), StringComparison.Ordinal);
        Assert.DoesNotContain("✓", second.StandardOutput, StringComparison.Ordinal); // --no-doctor
    }

    [Fact]
    public async Task On_a_terminal_provision_asks_for_each_setting_and_the_keys()
    {
        using var folder = new TemporaryDirectory();
        var config = folder.Combine("edge.json");
        var credentials = folder.Combine("credentials");
        // site, gateway, AE title, port, devices, destination, bucket, region (preset), endpoint, MQTT (keep), access key, secret key
        const string typed = "site-typed\ngw-typed\nEDGE_TYPED\n11199\nCT1@10.0.0.5 US2\ns3rver\nbkt\n\nhttp://127.0.0.1:9\n\nTYPED-ACCESS\nTYPED-SECRET\n";

        var provision = await EdgeCli.RunOnTerminalAsync(folder.Path, typed,
            "provision", "--config", config, "--credentials-dir", credentials, "--data-dir", folder.Combine("data"), "--no-doctor");

        Assert.True(provision.ExitCode == 0, provision.Output);
        Assert.Contains("DICOM AE title [IMAGING_EDGE]:", provision.StandardOutput, StringComparison.Ordinal);
        var written = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        Assert.Equal("site-typed", (string)written["Gateway"]!["SiteId"]!);
        Assert.Equal(11199, (int)written["Dicom"]!["Port"]!);
        Assert.Equal("10.0.0.5", (string)written["Dicom"]!["Devices"]![0]!["Host"]!);
        Assert.Equal("US2", (string)written["Dicom"]!["Devices"]![1]!["AeTitle"]!);
        Assert.Equal("bkt", (string)written["Upload"]!["S3"]!["Bucket"]!);
        Assert.Equal("TYPED-SECRET", (await File.ReadAllTextAsync(Path.Combine(credentials, "primary-secret-key"))).Trim());
        Assert.Equal("TYPED-ACCESS", (await File.ReadAllTextAsync(Path.Combine(credentials, "primary-access-key"))).Trim());
    }

    [Fact]
    public async Task A_provision_whose_result_is_invalid_leaves_the_configuration_untouched()
    {
        await using var scene = await DoctorScene.StartAsync();
        var credentials = scene.Folder.Combine("credentials");
        await File.WriteAllTextAsync(scene.ConfigFile, "{}");

        var provision = await EdgeCli.RunAsync(scene.Folder.Path, Secrets,
            [.. Flags(scene, DoctorScene.Site, credentials).Select(a => a == "EDGE_TEST" ? "THIS_AE_TITLE_IS_FAR_TOO_LONG" : a), "--no-doctor"]);

        Assert.Equal(2, provision.ExitCode);
        Assert.Contains("Dicom:AeTitle", provision.StandardError, StringComparison.Ordinal);
        Assert.Equal("{}", await File.ReadAllTextAsync(scene.ConfigFile));
        Assert.Empty(Directory.GetFiles(scene.Folder.Path, "edge.json.bak-*"));
    }
}
