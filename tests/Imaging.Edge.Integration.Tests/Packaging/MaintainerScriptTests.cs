using System.Diagnostics;
using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Packaging;

/// <summary>
/// The maintainer scripts, run by dpkg into a throwaway root (<see cref="PackageRoot"/>): the first installation
/// makes the user, the folders and the site secret and enables the unit without starting it; an upgrade keeps a
/// queued instance, the configuration and the credentials; remove keeps the data; purge deletes it only after
/// decommissioning or when asked.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class MaintainerScriptTests(BuiltPackages packages)
{
    private const string SopInstanceUid = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";

    [Fact]
    public async Task Installation_creates_the_user_folders_and_site_secret_and_enables_the_unit_which_verifies()
    {
        using var root = new PackageRoot();
        await root.DpkgAsync("-i", packages.Amd64);

        Assert.Equal(BuiltPackages.Version, await root.InstalledVersionAsync());
        var uid = root.IdOf("passwd", "imaging-edge");
        var gid = root.IdOf("group", "imaging-edge");
        Assert.Contains($"imaging-edge:x:{uid}:{gid}:Imaging Edge gateway:/var/lib/imaging-edge:/usr/sbin/nologin",
            File.ReadAllLines(root.Combine("etc", "passwd")));
        await AssertOwnerAndModeAsync(root.DataDir, uid, gid, "750");
        await AssertOwnerAndModeAsync(root.Credentials, 0, 0, "700");
        await AssertOwnerAndModeAsync(Path.Combine(root.Credentials, "site-secret"), 0, 0, "600");
        Assert.Equal(32, new FileInfo(Path.Combine(root.Credentials, "site-secret")).Length);

        // Enabled (started at the next boot), and no systemd was needed for it.
        var wants = root.Combine("etc", "systemd", "system", "multi-user.target.wants", "imaging-edge.service");
        Assert.Equal("/lib/systemd/system/imaging-edge.service", new FileInfo(wants).LinkTarget);

        // systemd-analyze verify of the installed unit (its ExecStart exists here), with this machine's units for
        // the targets it names. Not checked: the man page (it looks on this machine, not in the root).
        var copy = await ProcessRunner.RunAsync("cp", ["-a", "-n", "/lib/systemd/system/.", root.Combine("lib", "systemd", "system")]);
        Assert.True(copy.ExitCode == 0, copy.Output);
        var verify = await ProcessRunner.RunAsync("systemd-analyze", ["verify", "--man=no", $"--root={root.Path}", "imaging-edge.service"]);
        Assert.True(verify.ExitCode == 0 && verify.Output.Trim().Length == 0, verify.Output);
    }

    [Fact]
    public async Task An_upgrade_keeps_the_queued_instance_the_configuration_and_the_credentials()
    {
        using var root = new PackageRoot();
        await root.DpkgAsync("-i", packages.Amd64);
        var configuration = root.Combine("etc", "imaging-edge", "edge.json");
        File.WriteAllText(configuration, File.ReadAllText(configuration).Replace("\"SiteId\": \"site\"", "\"SiteId\": \"st-marys\"", StringComparison.Ordinal));
        var siteSecret = File.ReadAllBytes(Path.Combine(root.Credentials, "site-secret"));

        await ReceiveOneInstanceAsync(root);
        var queued = QueuedInstance(root.DataDir);

        await root.DpkgAsync("-i", packages.Amd64Next);

        Assert.Equal(BuiltPackages.NextVersion, await root.InstalledVersionAsync());
        Assert.Equal(queued, QueuedInstance(root.DataDir));
        Assert.True(File.Exists(Path.Combine(root.DataDir, queued.LocalPath)), "the queued file is gone");
        Assert.Contains("\"SiteId\": \"st-marys\"", File.ReadAllText(configuration), StringComparison.Ordinal);
        Assert.Equal(siteSecret, File.ReadAllBytes(Path.Combine(root.Credentials, "site-secret")));
        Assert.Equal("key", File.ReadAllText(Path.Combine(root.Credentials, "primary-access-key")));
    }

    [Fact]
    public async Task Remove_keeps_the_data_and_purge_deletes_it_only_after_decommission_or_when_asked()
    {
        using var kept = new PackageRoot();
        await kept.DpkgAsync("-i", packages.Amd64);
        File.WriteAllText(Path.Combine(kept.DataDir, "queue.db"), "a queue");
        await kept.DpkgAsync("-r", "imaging-edge");
        Assert.Equal("", await kept.InstalledVersionAsync());
        Assert.True(File.Exists(Path.Combine(kept.DataDir, "queue.db")));
        Assert.True(File.Exists(kept.Combine("etc", "imaging-edge", "edge.json")), "remove deleted the configuration");
        var purge = await kept.DpkgAsync("--purge", "imaging-edge");
        Assert.True(File.Exists(Path.Combine(kept.DataDir, "queue.db")), "purge deleted the data of a box not decommissioned");
        Assert.True(File.Exists(Path.Combine(kept.Credentials, "site-secret")));
        Assert.False(File.Exists(kept.Combine("etc", "imaging-edge", "edge.json")), "purge kept the conffile");
        Assert.Contains("IMAGING_EDGE_PURGE_DATA=yes", purge.Output, StringComparison.Ordinal);

        using var decommissioned = new PackageRoot();
        await decommissioned.DpkgAsync("-i", packages.Amd64);
        File.WriteAllText(Path.Combine(decommissioned.DataDir, "decommissioned.json"), "{}");
        await decommissioned.DpkgAsync("--purge", "imaging-edge");
        Assert.False(Directory.Exists(decommissioned.DataDir));
        Assert.False(Directory.Exists(decommissioned.Credentials));

        using var asked = new PackageRoot();
        await asked.DpkgAsync("-i", packages.Amd64);
        File.WriteAllText(Path.Combine(asked.DataDir, "queue.db"), "a queue");
        await asked.DpkgAsync(new Dictionary<string, string> { ["IMAGING_EDGE_PURGE_DATA"] = "yes" }, "--purge", "imaging-edge");
        Assert.False(Directory.Exists(asked.DataDir));
    }

    /// <summary>
    /// Runs the installed program (through /usr/bin/imaging-edge) on the installed configuration and data folder, with
    /// the credentials handed over as systemd would, and stores one C-STORE; uploads go to a closed port, so the
    /// instance stays queued.
    /// </summary>
    private static async Task ReceiveOneInstanceAsync(PackageRoot root)
    {
        File.WriteAllText(Path.Combine(root.Credentials, "primary-access-key"), "key");
        File.WriteAllText(Path.Combine(root.Credentials, "primary-secret-key"), "secret");
        var port = GatewayProcess.FreePort();
        var closed = GatewayProcess.FreePort();
        var start = new ProcessStartInfo(root.Combine("usr", "bin", "imaging-edge"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root.Path,
        };
        foreach (var argument in new[] { "run", "--config", root.Combine("etc", "imaging-edge", "edge.json") }) start.ArgumentList.Add(argument);
        start.Environment.Remove("INVOCATION_ID");
        start.Environment.Remove("NOTIFY_SOCKET");
        start.Environment["CREDENTIALS_DIRECTORY"] = root.Credentials;
        start.Environment["IMAGING_EDGE__Gateway__DataDir"] = root.DataDir;
        start.Environment["IMAGING_EDGE__Dicom__Port"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1";
        start.Environment["IMAGING_EDGE__Dicom__AllowUnknownCallers"] = "true";
        start.Environment["IMAGING_EDGE__Retention__ReserveMegabytes"] = "16";
        start.Environment["IMAGING_EDGE__Retention__HighWaterPercent"] = "99";
        start.Environment["IMAGING_EDGE__Upload__Destination"] = "s3";
        start.Environment["IMAGING_EDGE__Upload__S3__ServiceUrl"] = $"http://127.0.0.1:{closed}";
        start.Environment["IMAGING_EDGE__Upload__S3__Bucket"] = "studies";
        start.Environment["IMAGING_EDGE__Upload__S3__PathStyle"] = "true";
        await using var gateway = new GatewayProcess(Process.Start(start)!);

        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), PydicomCorpus.File("CT_small.dcm")]);
        gateway.Terminate();
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(store.ExitCode == 0 && exitCode == 0, store.Output + gateway.Output);
    }

    private sealed record Queued(long Id, string State, string LocalPath, string Sha256);

    private static Queued QueuedInstance(string dataDir)
    {
        using var connection = QueueCli.OpenReadOnly(dataDir);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, state, local_path, hex(sha256) FROM instances WHERE sop_instance_uid = $uid;";
        command.Parameters.AddWithValue("$uid", SopInstanceUid);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), "the instance is not in the queue");
        var queued = new Queued(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
        Assert.False(reader.Read());
        Assert.NotEqual("uploaded", queued.State);
        return queued;
    }

    private static async Task AssertOwnerAndModeAsync(string path, int uid, int gid, string mode)
    {
        var stat = await ProcessRunner.RunAsync("stat", ["-c", "%u %g %a", path]);
        Assert.Equal($"{uid} {gid} {mode}", stat.StandardOutput.Trim());
    }
}
