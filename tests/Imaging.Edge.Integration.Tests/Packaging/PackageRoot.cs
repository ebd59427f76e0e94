using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Packaging;

/// <summary>
/// A throwaway root that dpkg installs into: <c>dpkg --root=DIR --force-script-chrootless</c> runs the maintainer
/// scripts on this machine with <c>DPKG_ROOT=DIR</c> (they honour it), with no systemd running; the root holds only
/// a dpkg database and a user database (root, dialout). Its dependencies (libc ...) are this machine's, hence
/// <c>--force-depends</c>.
/// </summary>
internal sealed class PackageRoot : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public PackageRoot()
    {
        Directory.CreateDirectory(Combine("var", "lib", "dpkg", "info"));
        Directory.CreateDirectory(Combine("var", "lib", "dpkg", "updates"));
        File.WriteAllText(Combine("var", "lib", "dpkg", "status"), "");
        File.WriteAllText(Combine("var", "lib", "dpkg", "available"), "");
        Directory.CreateDirectory(Combine("etc"));
        File.WriteAllText(Combine("etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        File.WriteAllText(Combine("etc", "group"), "root:x:0:\ndialout:x:20:\n");
        File.WriteAllText(Combine("etc", "shadow"), "");
        File.WriteAllText(Combine("etc", "gshadow"), "");
    }

    public string Path => _folder.Path;

    public string DataDir => Combine("var", "lib", "imaging-edge");

    public string Credentials => Combine("etc", "imaging-edge", "credentials");

    public string Combine(params string[] parts) => _folder.Combine(parts);

    /// <summary>Runs dpkg on this root; fails the test with dpkg's output unless it succeeds.</summary>
    public async Task<ProcessResult> DpkgAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var dpkg = await ProcessRunner.RunAsync("dpkg",
            [$"--root={Path}", "--force-script-chrootless", "--force-depends", "--force-not-root", .. arguments], TimeSpan.FromMinutes(2), environment);
        Assert.True(dpkg.ExitCode == 0, $"dpkg {string.Join(' ', arguments)}:\n{dpkg.Output}");
        return dpkg;
    }

    public Task<ProcessResult> DpkgAsync(params string[] arguments) => DpkgAsync(null, arguments);

    /// <summary>The installed version of imaging-edge, or "" when none.</summary>
    public async Task<string> InstalledVersionAsync()
    {
        var query = await ProcessRunner.RunAsync("dpkg-query",
            [$"--admindir={Combine("var", "lib", "dpkg")}", "-W", "-f", "${db:Status-Abbrev}${Version}", "imaging-edge"]);
        return query.StandardOutput.StartsWith("ii ", StringComparison.Ordinal) ? query.StandardOutput[3..].Trim() : "";
    }

    /// <summary>A numeric id from the root's user database (<c>passwd</c> or <c>group</c>).</summary>
    public int IdOf(string database, string name)
    {
        var line = File.ReadAllLines(Combine("etc", database)).SingleOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{name}' in the root's /etc/{database}");
        return int.Parse(line.Split(':')[2], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _folder.Dispose();
}
