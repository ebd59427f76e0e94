using System.Globalization;
using System.Text.Json;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Imaging.Edge.Integration.Tests.Receiver;

namespace Imaging.Edge.Integration.Tests.Retention;

/// <summary>
/// The real gateway process with its embedded file-system store: with <c>KeepUploadedDays=0</c> the local copies go as
/// soon as their uploads are verified, the objects and the manifest stay complete, and an identical re-send of an
/// evicted instance is still recognised as a duplicate.
/// </summary>
public sealed class RetentionGatewayTests
{
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Keep_zero_days_evicts_verified_local_copies_and_the_store_and_manifest_keep_every_instance()
    {
        using var folder = new TemporaryDirectory();
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"], new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Dicom__Port"] = Text(port),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
            ["IMAGING_EDGE__Queue__StableStudySeconds"] = "1",
            ["IMAGING_EDGE__Retention__KeepUploadedDays"] = "0",
            ["IMAGING_EDGE__Retention__SweepIntervalSeconds"] = "1",
        }, folder.Path);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        var inputs = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in"), 3);
        var uids = inputs.Select(f => CorpusFiles.Read(f).Meta.MediaStorageSopInstanceUid).ToList();
        var studies = folder.Combine("var", "studies");
        var cloud = folder.Combine("var", "cloud");

        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "-xe", "127.0.0.1", Text(port), .. inputs]);
        Assert.True(store.ExitCode == 0, store.Output);

        JsonElement? stats = null;
        string[] manifests = [];
        for (var i = 0; i < 300; i++)
        {
            stats = await StatsAsync(folder);
            manifests = Directory.Exists(cloud)
                ? Directory.GetFiles(cloud, "manifest.v*.json", SearchOption.AllDirectories).Where(f => !f.EndsWith(".meta.json", StringComparison.Ordinal)).ToArray()
                : [];
            if (stats?.GetProperty("evicted").GetInt64() == 3 && manifests.Length > 0 && ListedInstances(Newest(manifests)) == 3) break;
            await Task.Delay(200);
        }

        Assert.True(stats is { } s && s.GetProperty("evicted").GetInt64() == 3, $"three instances should be evicted: {stats}\n{gateway.Output}");
        Assert.Equal(0, stats!.Value.GetProperty("uploaded").GetInt64());
        Assert.Equal(0, stats.Value.GetProperty("pending").GetInt64());
        Assert.Empty(Directory.EnumerateFiles(studies, "*.dcm", SearchOption.AllDirectories));
        var objects = Directory.EnumerateFiles(cloud, "*.dcm", SearchOption.AllDirectories).ToList();
        Assert.Equal(3, objects.Count);
        foreach (var input in inputs)
        {
            var uid = CorpusFiles.Read(input).Meta.MediaStorageSopInstanceUid;
            // Default keys name no UID (README, "Object keys"): the object is found by what it holds.
            var object_ = Assert.Single(objects, o => CorpusFiles.Read(o).Meta.MediaStorageSopInstanceUid == uid);
            Assert.Equal(ReceiverUnderTest.DataSetBytes(input), ReceiverUnderTest.DataSetBytes(object_));
        }
        // The study may have been declared stable between two instances: its newest manifest lists them all.
        var manifest = Newest(manifests);
        using (var document = JsonDocument.Parse(await File.ReadAllTextAsync(manifest)))
        {
            var listed = document.RootElement.GetProperty("series").EnumerateArray().SelectMany(series => series.GetProperty("instances").EnumerateArray()).ToList();
            Assert.Equal(uids.Order(), listed.Select(i => i.GetProperty("sopInstanceUid").GetString()).Order());
            Assert.All(listed, i => Assert.Equal("uploaded", i.GetProperty("state").GetString()));
            Assert.Equal(3, document.RootElement.GetProperty("counts").GetProperty("uploaded").GetInt32());
        }
        var list = await QueueCli.RunAsync(folder.Combine("var"), "list", "--state", "evicted");
        Assert.True(list.ExitCode == 0, list.Output);
        foreach (var uid in uids) Assert.Contains(uid, list.StandardOutput);
        Assert.Contains("uploaded 0, evicted 3;", list.StandardOutput);

        // The device sends one again, identical: acknowledged as a duplicate, not queued or stored a second time.
        var resend = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "-xe", "127.0.0.1", Text(port), inputs[0]]);
        Assert.True(resend.ExitCode == 0, resend.Output);
        var show = await QueueCli.RunAsync(folder.Combine("var"), "show", uids[0], "--json");
        Assert.True(show.ExitCode == 0, show.Output);
        using (var document = JsonDocument.Parse(show.StandardOutput))
        {
            var row = Assert.Single(document.RootElement.GetProperty("instances").EnumerateArray());
            Assert.Equal("evicted", row.GetProperty("state").GetString());
        }
        Assert.Empty(Directory.EnumerateFiles(studies, "*.dcm", SearchOption.AllDirectories));
        Assert.Equal(3, (await StatsAsync(folder))?.GetProperty("evicted").GetInt64());

        // A new instance of the same study: its folder was removed with the last evicted copy (the intake remembers
        // it as made), so the move finds it gone and makes it again, durably, before acknowledging.
        Assert.Empty(Directory.EnumerateDirectories(studies));
        var later = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in-later"), 1);
        var storeLater = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "-xe", "127.0.0.1", Text(port), later[0]]);
        Assert.True(storeLater.ExitCode == 0 && !storeLater.Output.Contains("Failed", StringComparison.OrdinalIgnoreCase), storeLater.Output);
        // Small: acknowledged with its bytes in the queue, its file written right after (FileMaterializer) -- unless the
        // upload (which reads the queued bytes) and the one-second sweep got there first: then it is evicted with its
        // bytes and no file is ever written. Either way it is kept: as a file, or verified in the store.
        var laterUid = CorpusFiles.Read(later[0]).Meta.MediaStorageSopInstanceUid;
        var laterState = "";
        for (var i = 0; i < 150; i++)
        {
            if (Directory.EnumerateFiles(studies, "*.dcm", SearchOption.AllDirectories).Count() == 1) break;
            var showLater = await QueueCli.RunAsync(folder.Combine("var"), "show", laterUid, "--json");
            using (var document = JsonDocument.Parse(showLater.StandardOutput))
                laterState = Assert.Single(document.RootElement.GetProperty("instances").EnumerateArray()).GetProperty("state").GetString()!;
            if (laterState == "evicted") break;
            await Task.Delay(200);
        }
        if (laterState == "evicted")
        {
            Assert.Empty(Directory.EnumerateFiles(studies, "*.dcm", SearchOption.AllDirectories));
            var laterObject = Assert.Single(Directory.EnumerateFiles(cloud, "*.dcm", SearchOption.AllDirectories),
                o => CorpusFiles.Read(o).Meta.MediaStorageSopInstanceUid == laterUid);
            Assert.Equal(ReceiverUnderTest.DataSetBytes(later[0]), ReceiverUnderTest.DataSetBytes(laterObject));
        }
        else
        {
            Assert.True(Directory.EnumerateFiles(studies, "*.dcm", SearchOption.AllDirectories).Count() == 1,
                $"the new instance's file was not written (state {laterState})");
        }

        // No study or instance UID in what the gateway logged.
        foreach (var uid in uids) Assert.DoesNotContain(uid, gateway.Output, StringComparison.Ordinal);
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static string Newest(string[] manifests) =>
        manifests.OrderBy(m => int.Parse(Path.GetFileName(m)["manifest.v".Length..^".json".Length], CultureInfo.InvariantCulture)).Last();

    private static int ListedInstances(string manifest)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(manifest));
            return document.RootElement.GetProperty("series").EnumerateArray().Sum(series => series.GetProperty("instances").GetArrayLength());
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return 0; // being written
        }
    }

    /// <summary>The queue figures of <c>imaging-edge status --json</c>, run beside the service.</summary>
    private static async Task<JsonElement?> StatsAsync(TemporaryDirectory folder)
    {
        var status = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "status", "--json"], workingDirectory: folder.Path);
        if (!status.StandardOutput.TrimStart().StartsWith('{')) return null;
        using var document = JsonDocument.Parse(status.StandardOutput);
        return document.RootElement.GetProperty("queue").Clone();
    }
}
