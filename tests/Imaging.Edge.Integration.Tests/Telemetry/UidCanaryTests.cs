using System.Text.RegularExpressions;
using Imaging.Edge.Integration.Tests.Infrastructure;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Telemetry;

/// <summary>
/// UIDs are not patient data, but some vendors derive them from the MRN or the accession number, and file paths and
/// object keys carry them: nothing published over MQTT may contain a UID of a received study or a path of the data
/// folder. The canary study goes through a gateway whose upload folder breaks after start-up (a file where the folder was),
/// so every upload fails with an I/O error whose text names the object's path, and warnings are forwarded to
/// <c>logs/warning</c>; an unreadable file left in the study folders is quarantined at start-up with a warning too.
/// </summary>
public sealed partial class UidCanaryTests
{
    [Fact]
    public async Task No_uid_or_data_path_of_a_received_study_reaches_the_broker()
    {
        using var folder = new TemporaryDirectory();
        var mqttPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        await using var everything = await MosquittoSubscriber.ConnectAsync(mqttPort, "#");
        var study = SyntheticStudies.Write(folder.Combine("in"), 1, 2).Single();
        var uids = new HashSet<string>(StringComparer.Ordinal) { study.StudyUid };
        foreach (var file in study.Files)
            uids.UnionWith(await UidsOfAsync(file));
        // A file the recovery cannot read, under the study's own folder name: quarantined with a warning at start-up.
        Directory.CreateDirectory(folder.Combine("var", "studies", study.StudyUid));
        await File.WriteAllTextAsync(folder.Combine("var", "studies", study.StudyUid, "unreadable.dcm"), "not DICOM");
        var bucket = folder.Combine("bucket");
        var (gateway, dicomPort) = await StartAsync(folder, mqttPort, new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Upload__Destination"] = "file:" + bucket,
        });
        await using var owned = gateway;
        Directory.Delete(bucket, recursive: true); // the store made it at start-up; a file takes its place
        await File.WriteAllTextAsync(bucket, "");

        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(dicomPort), .. study.Files]);
        Assert.True(store.ExitCode == 0, store.Output);
        // Both instances were tried and postponed: the warnings (with the failure's kind) are on the broker.
        await everything.WaitForAsync(Prefix + "/logs/warning",
            j => j.GetProperty("message").GetString()!.Contains("postponed", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        gateway.Terminate();
        await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var published = everything.Messages;
        var warnings = string.Join('\n', published.Where(m => m.Topic == Prefix + "/logs/warning").Select(m => m.Payload));
        Assert.Contains("quarantine", warnings, StringComparison.Ordinal);
        Assert.True(warnings.Contains("postponed", StringComparison.Ordinal), warnings);
        Assert.True(uids.Count >= 4, $"the study's UIDs were read: {uids.Count}");
        foreach (var (topic, payload, _) in published)
        {
            foreach (var uid in uids)
                Assert.False(payload.Contains(uid, StringComparison.Ordinal) || topic.Contains(uid, StringComparison.Ordinal), $"{topic} carries a UID: {payload}");
            Assert.False(payload.Contains(folder.Path, StringComparison.Ordinal), $"{topic} carries a path: {payload}");
        }
    }

    private static async Task<IReadOnlyList<string>> UidsOfAsync(string file)
    {
        var dump = await ProcessRunner.RunAsync("dcmdump", ["+P", "SeriesInstanceUID", "+P", "SOPInstanceUID", file]);
        Assert.True(dump.ExitCode == 0, dump.Output);
        return UidValue().Matches(dump.StandardOutput).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"UI \[([0-9.]+)\]")]
    private static partial Regex UidValue();
}
