using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Cloud;

/// <summary>packaging/examples/s3rver.json, as a field engineer would use it: only the port, folders and key files moved.</summary>
public sealed class ExampleConfigurationTests
{
    [Fact]
    public async Task S3rver_example_configuration_uploads_to_s3rver()
    {
        using var s3 = new S3rverProcess("imaging");
        using var folder = new TemporaryDirectory();
        // The example names its key files relative to the working directory.
        await File.WriteAllTextAsync(folder.Combine("s3rver-access-key"), "S3RVER");
        await File.WriteAllTextAsync(folder.Combine("s3rver-secret-key"), "S3RVER");
        var port = GatewayProcess.FreePort();
        var text = (int value) => value.ToString(CultureInfo.InvariantCulture);
        await using var gateway = GatewayProcess.Start(["run", "--config", Repository.File("packaging", "examples", "s3rver.json")],
            new Dictionary<string, string>
            {
                ["IMAGING_EDGE__Dicom__Port"] = text(port),
                ["IMAGING_EDGE__Upload__S3__ServiceUrl"] = s3.ServiceUrl,
            }, folder.Path);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        var input = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in"), 1));

        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "-xe", "127.0.0.1", text(port), input]);
        Assert.True(store.ExitCode == 0, store.Output);

        // A small instance's file is written just after its acknowledgement (its bytes are in the queue until then).
        for (var i = 0; i < 150 && !Directory.EnumerateFiles(folder.Combine("var", "studies"), "*.dcm", SearchOption.AllDirectories).Any(); i++)
            await Task.Delay(100);
        var local = Assert.Single(Directory.EnumerateFiles(folder.Combine("var", "studies"), "*.dcm", SearchOption.AllDirectories));
        List<string> keys = [];
        for (var i = 0; i < 150 && keys.Count == 0; i++)
        {
            await Task.Delay(200);
            keys = (await s3.ListKeysAsync("site/")).Where(k => k.EndsWith(".dcm", StringComparison.Ordinal)).ToList();
        }
        var key = Assert.Single(keys);
        // The default key: the file's SHA-256 names the object (README, "Object keys").
        Assert.EndsWith(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(local))) + ".dcm", key);
        Assert.Equal(await File.ReadAllBytesAsync(local), await s3.ReadObjectAsync(key));
    }
}
