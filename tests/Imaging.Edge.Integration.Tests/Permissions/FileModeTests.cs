using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Permissions;

/// <summary>
/// The modes of what the gateway writes (docs/security.md, "File modes"), when it is started from a shell whose umask
/// (022) would leave files world-readable: nothing under the data folder is readable by others; only the data folder
/// itself (0750) and the control socket (0660) are open to the group. Checked after start and after each operation that
/// creates files: a store (spool, study folder, instance, the development bucket), an erasure, a provision.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FileModeTests
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnlyFile | UnixFileMode.UserExecute;
    private const UnixFileMode DataFolder = OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    private const UnixFileMode ControlSocket = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
    private const UnixFileMode WorldReadableFile = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Data_folder_database_wal_spool_studies_secret_and_socket_are_closed_to_others_after_start_store_and_erase()
    {
        using var folder = new TemporaryDirectory();
        var data = folder.Combine("var");
        var port = GatewayProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Dicom__Port"] = Text(port),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
            ["IMAGING_EDGE__Queue__StableStudySeconds"] = "1",
        };
        await using var gateway = GatewayProcess.Start(["run"], environment, folder.Path, umask: "022");
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        await WaitForAsync(() => File.Exists(Path.Combine(data, "control.sock")), gateway);

        AssertModes(data, "after start", "queue.db", "queue.db-wal", "queue.db-shm", "site-secret", "control.sock", "spool", "studies");

        var study = Assert.Single(SyntheticStudies.Write(folder.Combine("send"), 1, 2, new SyntheticPatient("MODE-TEST-7", "Mode^Test", "19700101")));
        var store = await ProcessRunner.RunAsync("storescu", ["-aet", "MODES", "-aec", "IMAGING_EDGE", "-nh", "127.0.0.1", Text(port), .. study.Files]);
        Assert.True(store.ExitCode == 0, store.Output);
        // Uploaded to the development store inside the data folder (the default), manifest included.
        // Small instances become files once the association has ended (Intake/FileMaterializer): wait for those too.
        await WaitForAsync(() => Directory.Exists(Path.Combine(data, "cloud"))
            && Directory.EnumerateFiles(Path.Combine(data, "cloud"), "*", SearchOption.AllDirectories).Count() > study.Files.Count
            && Directory.EnumerateFiles(Path.Combine(data, "studies"), "*.dcm", SearchOption.AllDirectories).Count() == study.Files.Count, gateway);

        AssertModes(data, "after a store", "studies", "cloud");

        var erase = await ProcessRunner.RunAsync("sh", ["-c", "umask 022; exec dotnet \"$@\"", "sh", GatewayProcess.ExecutablePath, "erase-patient", "--patient-id", "MODE-TEST-7", "--cloud"],
            TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["IMAGING_EDGE__Gateway__DataDir"] = data }, folder.Path);
        Assert.True(erase.ExitCode == 0, erase.Output);

        AssertModes(data, "after an erasure", "queue.db");
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Provision_writes_a_readable_configuration_and_owner_only_credentials_whatever_the_umask()
    {
        using var folder = new TemporaryDirectory();
        var config = folder.Combine("etc", "edge.json");
        var credentials = folder.Combine("etc", "credentials");

        for (var run = 0; run < 2; run++) // the second run keeps the first configuration as a backup
        {
            var provision = await ProcessRunner.RunAsync("sh",
                ["-c", "umask 022; exec dotnet \"$@\"", "sh", GatewayProcess.ExecutablePath, "provision", "--config", config, "--credentials-dir", credentials,
                    "--data-dir", folder.Combine("data"), "--site", "SITE1", "--gateway-id", "GW1", "--ae-title", "EDGE", "--port", "11112",
                    "--destination", "s3rver", "--endpoint", "http://127.0.0.1:9", "--bucket", "b", "--access-key", "-", "--secret-key", "-"],
                TimeSpan.FromSeconds(120), workingDirectory: folder.Path, standardInput: "access\nsecret\n");
            Assert.True(File.Exists(config), provision.Output);
        }

        // The configuration holds no secret and the service user must read it (root owns it): 0644, backups alike.
        Assert.Equal(WorldReadableFile, File.GetUnixFileMode(config));
        Assert.All(Directory.EnumerateFiles(folder.Combine("etc"), "edge.json.bak-*"), f => Assert.Equal(WorldReadableFile, File.GetUnixFileMode(f)));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(credentials));
        Assert.All(Directory.EnumerateFiles(credentials), f => Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(f)));
        Assert.NotEmpty(Directory.EnumerateFiles(credentials));
    }

    /// <summary>Every entry under the data folder has its intended mode; the named entries must exist.</summary>
    private static void AssertModes(string data, string when, params string[] mustExist)
    {
        foreach (var name in mustExist)
            Assert.True(Path.Exists(Path.Combine(data, name)), $"{when}: {name} is missing");
        var wrong = new List<string>();
        Check(data, DataFolder);
        foreach (var entry in Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories))
        {
            var expected = Path.GetFileName(entry) == "control.sock" ? ControlSocket : Directory.Exists(entry) ? OwnerOnlyFolder : OwnerOnlyFile;
            Check(entry, expected);
        }
        Assert.True(wrong.Count == 0, $"{when}, modes too loose (or unexpected):\n{string.Join("\n", wrong)}");

        void Check(string path, UnixFileMode expected)
        {
            var mode = File.GetUnixFileMode(path);
            if (mode != expected)
                wrong.Add($"{Path.GetRelativePath(data, path)}: {Octal(mode)}, expected {Octal(expected)}");
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static async Task WaitForAsync(Func<bool> condition, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"condition not met within 60 s:\n{gateway.Output}");
            await Task.Delay(50);
        }
    }
}
