using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Cli;
using Imaging.Edge.Gateway.Hosting;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Tests.Erasure;

public sealed class DecommissionTests
{
    private static string WriteConfiguration(ErasureScene scene)
    {
        File.WriteAllText(Path.Combine(scene.Root, "access-key"), "AKIDEXAMPLE");
        File.WriteAllText(Path.Combine(scene.Root, "secret-key"), "SECRETEXAMPLE");
        File.WriteAllText(Path.Combine(scene.Root, "unrelated.txt"), "not named by the configuration");
        var configuration = new JsonObject
        {
            ["Gateway"] = new JsonObject { ["DataDir"] = scene.Layout.Root, ["SiteId"] = "site", ["GatewayId"] = "gw" },
            ["Upload"] = new JsonObject
            {
                ["Destination"] = "s3",
                ["S3"] = new JsonObject
                {
                    ["ServiceUrl"] = "http://127.0.0.1:9", ["Bucket"] = "b", ["PathStyle"] = true,
                    ["AccessKeyFile"] = Path.Combine(scene.Root, "access-key"), ["SecretKeyFile"] = Path.Combine(scene.Root, "secret-key"),
                },
            },
        };
        var path = Path.Combine(scene.Root, "edge.json");
        File.WriteAllText(path, configuration.ToJsonString());
        return path;
    }

    private static void Prepare(ErasureScene scene)
    {
        scene.Receive("PID-1", null, "1.2.3.1", "1.2.3.1.1");
        Directory.CreateDirectory(scene.Layout.Quarantine);
        File.WriteAllText(Path.Combine(scene.Layout.Quarantine, "bad.dcm"), "x");
        File.WriteAllText(Path.Combine(scene.Layout.Spool, "a.part"), "x");
        File.WriteAllBytes(Path.Combine(scene.Layout.Root, "site-secret"), new byte[32]);
        scene.Queue.Dispose();
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Refuses_while_instances_are_pending_and_wipes_nothing()
    {
        using var scene = new ErasureScene();
        var config = WriteConfiguration(scene);
        Prepare(scene);

        var exit = await DecommissionVerb.ExecuteAsync(config, force: false);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.True(File.Exists(Path.Combine(scene.Layout.Root, "queue.db")));
        Assert.True(Directory.Exists(scene.Layout.Studies) && Directory.EnumerateFiles(scene.Layout.Studies, "*", SearchOption.AllDirectories).Any());
        Assert.True(File.Exists(Path.Combine(scene.Root, "access-key")));
        Assert.False(File.Exists(Path.Combine(scene.Layout.Root, Imaging.Edge.Gateway.Erasure.Decommissioner.SummaryFileName)));
    }

    [Fact]
    public async Task Refuses_while_a_gateway_holds_the_data_folder()
    {
        using var scene = new ErasureScene();
        var config = WriteConfiguration(scene);
        Prepare(scene);
        using var running = GatewayLock.TryAcquire(scene.Layout.Root);
        Assert.NotNull(running);

        var exit = await DecommissionVerb.ExecuteAsync(config, force: true);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.True(File.Exists(Path.Combine(scene.Layout.Root, "queue.db")));
    }

    [Fact]
    public async Task With_force_wipes_queue_data_and_named_secrets_and_leaves_a_summary()
    {
        using var scene = new ErasureScene();
        var config = WriteConfiguration(scene);
        Prepare(scene);

        var exit = await DecommissionVerb.ExecuteAsync(config, force: true);

        Assert.Equal(ExitCodes.Success, exit);
        foreach (var gone in new[] { "queue.db", "queue.db-wal", "queue.db-shm", "site-secret", "spool", "studies", "quarantine" })
            Assert.False(Path.Exists(Path.Combine(scene.Layout.Root, gone)), gone + " is still there");
        Assert.False(File.Exists(Path.Combine(scene.Root, "access-key")));
        Assert.False(File.Exists(Path.Combine(scene.Root, "secret-key")));
        Assert.True(File.Exists(Path.Combine(scene.Root, "unrelated.txt")));
        Assert.True(File.Exists(Path.Combine(scene.Root, "edge.json")));

        var summaryText = await File.ReadAllTextAsync(Path.Combine(scene.Layout.Root, Imaging.Edge.Gateway.Erasure.Decommissioner.SummaryFileName));
        using var summary = JsonDocument.Parse(summaryText);
        Assert.True(summary.RootElement.GetProperty("forced").GetBoolean());
        Assert.Equal(1, summary.RootElement.GetProperty("queue").GetProperty("pending").GetInt64());
        Assert.Equal(3, summary.RootElement.GetProperty("removed").GetProperty("secrets").GetInt32()); // site-secret + two key files
        Assert.DoesNotContain("PID-1", summaryText, StringComparison.Ordinal);
        Assert.DoesNotContain("1.2.3.1", summaryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_force_succeeds_once_everything_is_uploaded()
    {
        using var scene = new ErasureScene();
        var config = WriteConfiguration(scene);
        var id = scene.Receive("PID-1", null, "1.2.3.1", "1.2.3.1.1");
        await scene.UploadAsync(id);
        scene.Queue.Dispose();
        SqliteConnection.ClearAllPools();

        var exit = await DecommissionVerb.ExecuteAsync(config, force: false);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.False(File.Exists(Path.Combine(scene.Layout.Root, "queue.db")));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(scene.Layout.Root, Imaging.Edge.Gateway.Erasure.Decommissioner.SummaryFileName)));
        Assert.False(summary.RootElement.GetProperty("forced").GetBoolean());
        Assert.Equal(1, summary.RootElement.GetProperty("queue").GetProperty("uploaded").GetInt64());
    }

    /// <summary>The packaged configuration: no Upload section, so "uploads" go to the file store in {DataDir}/cloud.</summary>
    private static string WritePackagedConfiguration(ErasureScene scene)
    {
        var configuration = new JsonObject
        {
            ["Gateway"] = new JsonObject { ["DataDir"] = scene.Layout.Root, ["SiteId"] = "site", ["GatewayId"] = "gw" },
        };
        var path = Path.Combine(scene.Root, "edge.json");
        File.WriteAllText(path, configuration.ToJsonString());
        return path;
    }

    private static async Task<string> UploadOneToTheStoreInTheDataFolderAsync(ErasureScene scene)
    {
        var id = scene.Receive("PID-1", null, "1.2.3.1", "1.2.3.1.1");
        await scene.UploadAsync(id);
        scene.Queue.Dispose();
        SqliteConnection.ClearAllPools();
        var cloud = Path.Combine(scene.Layout.Root, "cloud");
        Assert.True(ErasureScene.AnyFileContains(cloud, "PID-1")); // the only "uploaded" copy is on this box
        return cloud;
    }

    [Fact]
    public async Task Refuses_while_the_only_uploaded_copies_are_in_the_file_store_inside_the_data_folder()
    {
        using var scene = new ErasureScene(bucketInDataDir: true);
        var config = WritePackagedConfiguration(scene);
        var cloud = await UploadOneToTheStoreInTheDataFolderAsync(scene);

        var exit = await DecommissionVerb.ExecuteAsync(config, force: false);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.True(ErasureScene.AnyFileContains(cloud, "PID-1"));
        Assert.True(File.Exists(Path.Combine(scene.Layout.Root, "queue.db")));
        Assert.False(File.Exists(Path.Combine(scene.Layout.Root, Imaging.Edge.Gateway.Erasure.Decommissioner.SummaryFileName)));
    }

    [Fact]
    public async Task With_force_wipes_the_file_store_inside_the_data_folder_too()
    {
        using var scene = new ErasureScene(bucketInDataDir: true);
        var config = WritePackagedConfiguration(scene);
        var cloud = await UploadOneToTheStoreInTheDataFolderAsync(scene);

        var exit = await DecommissionVerb.ExecuteAsync(config, force: true);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.False(Directory.Exists(cloud));
        Assert.False(ErasureScene.AnyFileContains(scene.Layout.Root, "PID-1"));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(scene.Layout.Root, Imaging.Edge.Gateway.Erasure.Decommissioner.SummaryFileName)));
        Assert.True(summary.RootElement.GetProperty("forced").GetBoolean());
        Assert.Equal(1, summary.RootElement.GetProperty("queue").GetProperty("onlyOnThisBox").GetInt64());
    }
}
