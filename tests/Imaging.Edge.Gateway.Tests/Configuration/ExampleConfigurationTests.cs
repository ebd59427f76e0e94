using Imaging.Edge.Gateway.Configuration;
using Microsoft.Extensions.Configuration;

namespace Imaging.Edge.Gateway.Tests.Configuration;

/// <summary>The example configurations in packaging/examples are what field engineers copy: each must validate.</summary>
public sealed class ExampleConfigurationTests : IDisposable
{
    private readonly string _keys = Directory.CreateTempSubdirectory("edge-keys-").FullName;

    public void Dispose() => Directory.Delete(_keys, recursive: true);

    private static string ExamplesFolder() => Repository.File("packaging", "examples");

    public static TheoryData<string> Examples() => new(Directory.EnumerateFiles(ExamplesFolder(), "*.json").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_configuration_validates(string name)
    {
        var json = new ConfigurationBuilder().AddJsonFile(Path.Combine(ExamplesFolder(), name)).Build();
        // Key files live on the box, not in the repository: point the ones an example names at files that exist.
        var overrides = new Dictionary<string, string?>();
        foreach (var endpoint in new[] { "S3", "BackupS3" })
        foreach (var key in new[] { "AccessKeyFile", "SecretKeyFile" })
        {
            if (json[$"Upload:{endpoint}:{key}"] is null) continue;
            var file = Path.Combine(_keys, $"{endpoint}-{key}");
            File.WriteAllText(file, "KEY");
            overrides[$"Upload:{endpoint}:{key}"] = file;
        }
        var root = new ConfigurationBuilder().AddJsonFile(Path.Combine(ExamplesFolder(), name)).AddInMemoryCollection(overrides).Build();

        var configuration = EdgeConfiguration.FromRoot(root);

        Assert.Equal("s3", configuration.Upload.Destination);
        Assert.NotNull(configuration.Upload.S3);
    }

    [Fact]
    public void Cos_example_uses_virtual_hosted_style_in_hong_kong()
    {
        var configuration = EdgeConfiguration.FromRoot(new ConfigurationBuilder().AddJsonFile(Path.Combine(ExamplesFolder(), "cos-hongkong.json")).Build());

        Assert.Equal("https://cos.ap-hongkong.myqcloud.com", configuration.Upload.S3!.ServiceUrl);
        Assert.Equal("ap-hongkong", configuration.Upload.S3.Region);
        Assert.False(configuration.Upload.S3.PathStyle);
        Assert.NotNull(configuration.Upload.BackupS3);
    }
}
