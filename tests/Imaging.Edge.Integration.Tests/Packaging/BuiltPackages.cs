using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Packaging;

/// <summary>
/// The packages as the README builds them: <c>packaging/deb/build.sh</c> once per test run into a temporary folder,
/// version 1.0.0 for amd64 and arm64, and 1.0.1 for amd64 from the same publish output (the upgrade). <c>--fast</c>
/// compresses with gzip instead of xz; the contents are the same.
/// </summary>
public sealed class BuiltPackages : IAsyncLifetime
{
    public const string Version = "1.0.0";
    public const string NextVersion = "1.0.1";
    private readonly TemporaryDirectory _folder = new();

    public string Amd64 => Deb(Version, "amd64");

    public string Arm64 => Deb(Version, "arm64");

    public string Amd64Next => Deb(NextVersion, "amd64");

    public async Task InitializeAsync()
    {
        await BuildAsync("--arch", "amd64", "--arch", "arm64", Version);
        await BuildAsync("--arch", "amd64", "--reuse-publish", NextVersion);
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private string Deb(string version, string architecture) => _folder.Combine($"imaging-edge_{version}_{architecture}.deb");

    private async Task BuildAsync(params string[] arguments)
    {
        var build = await ProcessRunner.RunAsync(Repository.File("packaging", "deb", "build.sh"),
            ["--out", _folder.Path, "--fast", .. arguments], TimeSpan.FromMinutes(10));
        Assert.True(build.ExitCode == 0, "packaging/deb/build.sh failed:\n" + build.Output);
    }
}
