using System.Globalization;
using System.Text.RegularExpressions;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Packaging;

/// <summary>
/// packaging/systemd/imaging-edge.service, checked offline (no running systemd is needed):
/// <c>systemd-analyze security --offline=true</c> scores its exposure (README, "Install on a box"), and the
/// credentials it loads are the ones the gateway reads. <c>systemd-analyze verify</c> runs on the installed
/// package (<see cref="MaintainerScriptTests"/>), where its ExecStart exists.
/// </summary>
public sealed partial class UnitFileTests
{
    private static string Unit => Repository.File("packaging", "systemd", "imaging-edge.service");

    [Fact]
    public async Task The_unit_exposure_is_at_most_1_5()
    {
        var exposure = await ExposureAsync(Unit, dropIn: null);
        Assert.True(exposure <= 1.5m, $"exposure {exposure}");
    }

    /// <summary>
    /// Port 104 comes from the socket unit (systemd binds it and hands it over), not from a capability: the service
    /// keeps none, so its score above holds for a box on 104 as well.
    /// </summary>
    [Fact]
    public void Port_104_comes_from_the_socket_unit_and_the_service_keeps_no_capability()
    {
        var socket = File.ReadAllLines(Repository.File("packaging", "systemd", "imaging-edge.socket"));
        var service = File.ReadAllLines(Unit);

        Assert.Contains("ListenStream=104", socket);
        Assert.Contains("Service=imaging-edge.service", socket);
        Assert.Contains("Accept=no", socket);
        Assert.Contains("CapabilityBoundingSet=", service);
        Assert.DoesNotContain(service, l => l.StartsWith("AmbientCapabilities=", StringComparison.Ordinal));
        Assert.Contains("PrivateUsers=yes", service);
    }

    [Fact]
    public void The_unit_loads_every_credential_the_gateway_reads_and_only_site_secret_is_required()
    {
        var lines = File.ReadAllLines(Unit);
        var loaded = lines.Where(l => l.StartsWith("LoadCredential=", StringComparison.Ordinal))
            .Select(l => l["LoadCredential=".Length..].Split(':', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);
        var fallbacks = lines.Where(l => l.StartsWith("SetCredential=", StringComparison.Ordinal))
            .Select(l => l["SetCredential=".Length..].Split(':', 2)[0]).ToHashSet();

        string[] expected = [SiteSecret.CredentialName, "primary-access-key", "primary-secret-key", "backup-access-key",
            "backup-secret-key", "mqtt-password", "mqtt-client-key"];
        Assert.Equal(expected.Order(), loaded.Keys.Order());
        Assert.All(loaded, credential => Assert.Equal("/etc/imaging-edge/credentials/" + credential.Key, credential.Value));
        // A LoadCredential= whose file is missing fails the start unless a SetCredential= of the same name exists.
        Assert.Equal(expected.Where(name => name != SiteSecret.CredentialName).Order(), fallbacks.Order());
    }

    /// <summary>The overall exposure as systemd-analyze prints it, of the unit (and a drop-in) in a scratch root.</summary>
    private static async Task<decimal> ExposureAsync(string unit, string? dropIn)
    {
        using var root = new TemporaryDirectory();
        var system = root.Combine("etc", "systemd", "system");
        Directory.CreateDirectory(system);
        File.Copy(unit, Path.Combine(system, "imaging-edge.service"));
        if (dropIn is not null)
        {
            Directory.CreateDirectory(Path.Combine(system, "imaging-edge.service.d"));
            File.Copy(dropIn, Path.Combine(system, "imaging-edge.service.d", Path.GetFileName(dropIn)));
        }
        var analyze = await ProcessRunner.RunAsync("systemd-analyze",
            ["security", "--offline=true", $"--root={root.Path}", "--no-pager", "imaging-edge.service"]);
        var overall = OverallExposure().Match(analyze.StandardOutput);
        Assert.True(analyze.ExitCode == 0 && overall.Success, analyze.Output);
        Assert.DoesNotContain("Unknown key", analyze.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Invalid", analyze.StandardError, StringComparison.Ordinal);
        return decimal.Parse(overall.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Overall exposure level for imaging-edge\.service: ([0-9]+\.[0-9])")]
    private static partial Regex OverallExposure();
}
