using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Imaging.Edge.Integration.Tests.Packaging;

namespace Imaging.Edge.Integration.Tests.Platform;

/// <summary>
/// The appliance also ships on arm64, where some Linux constants differ from x86_64 (O_DIRECTORY is 0x4000 there;
/// 0x10000 is O_DIRECT): the program of the arm64 package (self-contained linux-arm64, from packaging/deb/build.sh) is
/// run under qemu user-mode emulation (<c>qemu-aarch64-static -L /</c>, with Debian's arm64 libraries;
/// tests/peers/install.sh installs them), and must start and store an instance sent by storescu.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class Arm64BuildTests(BuiltPackages packages)
{
    [Fact]
    public async Task The_arm64_build_starts_under_emulation_and_stores_an_instance()
    {
        using var folder = new TemporaryDirectory();
        var extract = await ProcessRunner.RunAsync("dpkg-deb", ["-x", packages.Arm64, folder.Combine("root")]);
        Assert.True(extract.ExitCode == 0, extract.Output);
        var output = folder.Combine("root", "usr", "lib", "imaging-edge");
        var port = GatewayProcess.FreePort();
        var start = new System.Diagnostics.ProcessStartInfo("qemu-aarch64-static")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder.Path,
        };
        foreach (var argument in new[] { "-L", "/", Path.Combine(output, "imaging-edge"), "run" }) start.ArgumentList.Add(argument);
        start.Environment["IMAGING_EDGE__Dicom__Port"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1";
        start.Environment.Remove("INVOCATION_ID");
        start.Environment.Remove("NOTIFY_SOCKET");
        await using var gateway = new GatewayProcess(System.Diagnostics.Process.Start(start)!);

        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(90));
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), PydicomCorpus.File("CT_small.dcm")]);
        gateway.Terminate();
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(store.ExitCode == 0, store.Output + gateway.Output);
        var stored = Assert.Single(Directory.EnumerateFiles(folder.Combine("var", "studies"), "*.dcm", SearchOption.AllDirectories));
        var dump = await ProcessRunner.RunAsync("dcmdump", ["+P", "SOPInstanceUID", stored]);
        Assert.True(dump.ExitCode == 0, dump.Output);
        Assert.Contains("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322", dump.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
    }
}
