using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Packaging;

/// <summary>What the .deb files hold (<c>dpkg-deb -c</c>, <c>-f</c>, the control archive) and what lintian says of them.</summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageContentsTests(BuiltPackages packages)
{
    [Theory]
    [InlineData("amd64", "x86-64")]
    [InlineData("arm64", "ARM aarch64")]
    public async Task Each_package_holds_the_program_unit_configuration_profiles_and_dashboard_owned_by_root(string architecture, string machine)
    {
        var deb = architecture == "amd64" ? packages.Amd64 : packages.Arm64;
        var entries = await ContentsAsync(deb);

        Assert.Equal("-rwxr-xr-x", entries["/usr/lib/imaging-edge/imaging-edge"].Mode);
        Assert.Equal("lrwxrwxrwx", entries["/usr/bin/imaging-edge"].Mode);
        Assert.Equal("../lib/imaging-edge/imaging-edge", entries["/usr/bin/imaging-edge"].LinkTarget);
        Assert.Equal("-rw-r--r--", entries["/lib/systemd/system/imaging-edge.service"].Mode);
        Assert.Equal("-rw-r--r--", entries["/etc/imaging-edge/edge.json"].Mode);
        Assert.Equal("-rw-r--r--", entries["/usr/lib/systemd/journald.conf.d/imaging-edge.conf"].Mode);
        Assert.Contains("/usr/share/imaging-edge/dashboard/index.html", entries.Keys);
        Assert.Contains("/usr/share/imaging-edge/dashboard/vendor/mqtt.min.js", entries.Keys);
        Assert.Equal("-rw-r--r--", entries["/usr/share/imaging-edge/dashboard/runbook.md"].Mode); // the alerts' link: a file, not the repository's symlink
        Assert.Contains("/lib/systemd/system/imaging-edge.socket", entries.Keys);
        Assert.Contains("/usr/share/doc/imaging-edge/copyright", entries.Keys);
        Assert.Contains("/usr/share/doc/imaging-edge/changelog.gz", entries.Keys);
        Assert.Contains("/usr/share/man/man1/imaging-edge.1.gz", entries.Keys);
        foreach (var profile in Directory.EnumerateFiles(Repository.File("hardware-profiles"), "*.json"))
            Assert.Contains("/usr/share/imaging-edge/hardware-profiles/" + Path.GetFileName(profile), entries.Keys);
        // A profiles folder beside the executable would win over /usr/share (Serial/SerialDevice.cs).
        Assert.DoesNotContain(entries.Keys, path => path.StartsWith("/usr/lib/imaging-edge/hardware-profiles", StringComparison.Ordinal));
        // Nothing under /var: the data folder is made by postinst and kept by dpkg across upgrade and removal.
        Assert.DoesNotContain(entries.Keys, path => path.StartsWith("/var", StringComparison.Ordinal));

        Assert.All(entries.Values, entry => Assert.Equal("root/root", entry.Owner));
        Assert.All(entries.Values.Where(entry => entry.Mode[0] != 'l'), entry =>
        {
            Assert.True(entry.Mode[5] != 'w' && entry.Mode[8] != 'w', $"{entry.Path} is writable by others: {entry.Mode}");
            Assert.True(entry.Mode[3] is not ('s' or 'S') && entry.Mode[6] is not ('s' or 'S'), $"{entry.Path} is set-id: {entry.Mode}");
        });

        using var folder = new TemporaryDirectory();
        Assert.Equal(0, (await ProcessRunner.RunAsync("dpkg-deb", ["-x", deb, folder.Path])).ExitCode);
        var file = await ProcessRunner.RunAsync("file", ["-b", folder.Combine("usr", "lib", "imaging-edge", "imaging-edge")]);
        Assert.Contains(machine, file.StandardOutput, StringComparison.Ordinal);

        var field = await ProcessRunner.RunAsync("dpkg-deb", ["-f", deb, "Architecture", "Version"]);
        Assert.Equal($"Architecture: {architecture}\nVersion: {BuiltPackages.Version}\n", field.StandardOutput);
    }

    [Fact]
    public async Task The_configuration_is_the_only_conffile()
    {
        using var control = new TemporaryDirectory();
        var extract = await ProcessRunner.RunAsync("dpkg-deb", ["-e", packages.Amd64, control.Path]);
        Assert.True(extract.ExitCode == 0, extract.Output);
        Assert.Equal(["/etc/imaging-edge/edge.json"], File.ReadAllLines(control.Combine("conffiles")));
        Assert.Equal(File.ReadAllText(Repository.File("packaging", "edge.json")),
            File.ReadAllText(await ExtractedAsync(packages.Amd64, control, "etc", "imaging-edge", "edge.json")));
    }

    [Fact]
    public async Task The_packaged_runtime_configuration_keeps_idle_thread_pool_workers_from_spinning()
    {
        // The default spin made ~96 sched_yield per acknowledged small instance on 2 cores (tests/bench/syscalls.sh).
        using var scratch = new TemporaryDirectory();
        var path = await ExtractedAsync(packages.Amd64, scratch, "usr", "lib", "imaging-edge", "imaging-edge.runtimeconfig.json");
        using var runtimeConfig = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var properties = runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spin), properties.ToString());
        Assert.Equal(0, spin.GetInt32());
    }

    [Fact]
    public async Task Lintian_reports_no_errors_and_no_warnings_that_are_not_explained()
    {
        // The explained ones are overridden with their reason (packaging/deb/lintian-overrides).
        var lintian = await ProcessRunner.RunAsync("lintian", ["--tag-display-limit", "0", packages.Amd64, packages.Arm64], TimeSpan.FromMinutes(3));
        var tags = lintian.StandardOutput.Split('\n').Where(line => line.StartsWith("E: ", StringComparison.Ordinal) || line.StartsWith("W: ", StringComparison.Ordinal));
        Assert.True(lintian.ExitCode == 0 && !tags.Any(), lintian.Output);
    }

    private static async Task<string> ExtractedAsync(string deb, TemporaryDirectory scratch, params string[] path)
    {
        var root = scratch.Combine("root");
        if (!Directory.Exists(root))
            Assert.Equal(0, (await ProcessRunner.RunAsync("dpkg-deb", ["-x", deb, root])).ExitCode);
        return Path.Combine([root, .. path]);
    }

    private sealed record Entry(string Path, string Mode, string Owner, string? LinkTarget);

    /// <summary><c>dpkg-deb -c</c>: mode, owner, size, date, time, path [-> target], keyed by the absolute path.</summary>
    private static async Task<Dictionary<string, Entry>> ContentsAsync(string deb)
    {
        var listing = await ProcessRunner.RunAsync("dpkg-deb", ["-c", deb]);
        Assert.True(listing.ExitCode == 0, listing.Output);
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var line in listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var name = fields[5].Split(" -> ");
            var path = name[0].TrimStart('.').TrimEnd('/');
            if (path.Length > 0) entries[path] = new Entry(path, fields[0], fields[1], name.Length > 1 ? name[1] : null);
        }
        return entries;
    }
}
