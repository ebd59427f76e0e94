using System.Globalization;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Integration.Tests.Faults;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Queue;

/// <summary>
/// One crash test per power-cut point of <see cref="TestFaults.Points"/> (a point added there is tested here without
/// another line): the real gateway (or, for erasure, the real command line) SIGKILLs itself at the point, and after
/// a restart without the fault every instance storescu saw acknowledged is uploaded, the object holds the data set
/// that was sent, no local copy is gone without a verified cloud copy, and nothing is left in the spool.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class PowerCutTests(ITestOutputHelper output)
{
    private const string Bucket = "edge";
    private const int Killed = 137; // 128 + SIGKILL

    public static TheoryData<string> Points => new(TestFaults.Points.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Points))]
    public async Task A_power_cut_at_the_point_loses_nothing_acknowledged_and_no_copy_without_a_verified_one(string name)
    {
        var point = TestFaults.Points.Single(p => p.Name == name);
        output.WriteLine($"{point.Name}: {point.State}");
        using var folder = new TemporaryDirectory();
        await using var s3 = await FaultS3rver.StartAsync(Bucket);
        var scene = new Scene(folder, s3, output);
        switch (point.Area)
        {
            case PowerCutArea.Erasure:
                await scene.EraseAsync(point);
                break;
            default:
                await scene.ReceiveAsync(point);
                break;
        }
    }

    private sealed class Scene(TemporaryDirectory folder, FaultS3rver s3, ITestOutputHelper output)
    {
        private readonly Dictionary<string, byte[]> _sent = new(StringComparer.Ordinal);

        private JsonObject Upload() => UploadFaultTests.Upload(FaultGateway.Endpoint(s3.ServiceUrl, Bucket, FaultGateway.KeyFolder(folder)));

        /// <summary>Retention evicts at once (KeepUploadedDays 0) for its points, and never for the others.</summary>
        private static JsonObject? Retention(PowerCutPoint point) => point.Area == PowerCutArea.Retention
            ? new JsonObject { ["KeepUploadedDays"] = 0, ["SweepIntervalSeconds"] = 1 }
            : null;

        /// <summary>Studies become stable (and get their manifest) at once for the manifest's points, never for the others.</summary>
        private static int StableStudySeconds(PowerCutPoint point) => point.Area == PowerCutArea.Manifest ? 1 : 3600;

        private static Dictionary<string, string> Fault(PowerCutPoint point) => new() { ["IMAGING_EDGE_TEST_FAULT"] = point.Name };

        /// <summary>Small instances, and a large one (spool file, multipart upload) where the point is on its path.</summary>
        private List<string> Files(PowerCutPoint point, string template = "CT_small.dcm", string name = "small")
        {
            var files = new List<string>();
            if (point.Area is PowerCutArea.Intake or PowerCutArea.Upload && point != TestFaults.SmallAfterCommit && template == "CT_small.dcm")
                files.AddRange(FaultInstances.WriteLarge(folder.Combine("large"), 1, 2048, 3072)); // ~12.6 MB: 3 parts of 5 MB
            files.AddRange(FreshInstances.Write(PydicomCorpus.File(template), folder.Combine(name), 3));
            foreach (var file in files) _sent[CorpusFiles.Read(file).Meta.MediaStorageSopInstanceUid] = CorpusFiles.DataSet(file);
            return files;
        }

        /// <summary>Intake, file writing, upload and retention: send while the gateway carries the fault, restart without it.</summary>
        public async Task ReceiveAsync(PowerCutPoint point)
        {
            var files = Files(point);
            List<string> acknowledged;
            await using (var faulty = await FaultGateway.StartAsync(folder, Upload(), Fault(point), Retention(point), StableStudySeconds(point)))
            {
                var store = await ProcessRunner.RunAsync("storescu",
                    ["-v", "-aec", "IMAGING_EDGE", "-nh", "127.0.0.1", faulty.Port.ToString(CultureInfo.InvariantCulture), .. files], TimeSpan.FromSeconds(90));
                acknowledged = PendingFileTests.Acknowledged(store.Output).Select(f => CorpusFiles.Read(f).Meta.MediaStorageSopInstanceUid).ToList();
                var exit = await faulty.WaitForExitAsync(TimeSpan.FromSeconds(60));
                Assert.True(exit == Killed, $"the gateway did not reach {point.Name} (exit {exit})\n{faulty.Output}");
            }
            output.WriteLine($"{acknowledged.Count} of {files.Count} acknowledged before the cut");
            if (point.Area == PowerCutArea.Manifest) // the cut came with the manifest's spool file written
                Assert.Contains(Directory.EnumerateFiles(folder.Combine("data", "spool")), f => Path.GetFileName(f).StartsWith("manifest-", StringComparison.Ordinal));

            await using var restarted = await FaultGateway.StartAsync(folder, Upload(), retention: Retention(point), stableStudySeconds: StableStudySeconds(point));
            var settled = point.Area == PowerCutArea.Retention ? "evicted" : "uploaded";
            var rows = await restarted.WaitForAsync(r => r.Count >= acknowledged.Count && r.All(x => x.State == settled), TimeSpan.FromSeconds(90));
            Assert.True(rows.All(r => r.State == settled), FaultGateway.Describe(rows) + "\n" + restarted.Output);
            var bySop = rows.ToDictionary(r => r.SopInstanceUid, StringComparer.Ordinal); // one row per instance: nothing doubled
            foreach (var sop in acknowledged)
                Assert.True(bySop.ContainsKey(sop), $"an acknowledged instance was LOST at {point.Name}");
            foreach (var row in rows)
            {
                AssertObjectHoldsWhatWasSent(row);
                var local = File.Exists(restarted.LocalFile(row)) || HasPendingBytes(restarted, row);
                Assert.Equal(settled == "uploaded", local); // kept while retention keeps it; evicted only with the verified copy above
            }
            if (point.Area == PowerCutArea.Manifest)
            {
                // the manifest the cut interrupted is made again and uploaded
                var manifests = await Eventually(() => Directory.EnumerateFiles(Path.Combine(s3.Directory, Bucket), "manifest.v*.json._S3rver_object", SearchOption.AllDirectories).ToList());
                Assert.True(manifests.Count > 0, "no manifest uploaded after the restart\n" + restarted.Output);
            }
            // nothing the cut left in the spool stays there (the restarted gateway makes the same manifest again, under
            // the same spool name, and removes it once uploaded)
            var spool = Path.Combine(restarted.DataDir, "spool");
            for (var i = 0; i < 100 && Directory.EnumerateFiles(spool).Any(); i++) await Task.Delay(100);
            Assert.Empty(Directory.EnumerateFiles(spool));
        }

        private static async Task<List<string>> Eventually(Func<List<string>> found)
        {
            for (var i = 0; i < 300 && found().Count == 0; i++) await Task.Delay(100);
            return found();
        }

        /// <summary>Erasure: both patients uploaded, the gateway stopped, the command line cut at the point, then run again.</summary>
        public async Task EraseAsync(PowerCutPoint point)
        {
            var erased = Files(point);
            var kept = Files(point, "MR_small.dcm", "other");
            List<FaultRow> before;
            await using (var gateway = await FaultGateway.StartAsync(folder, Upload()))
            {
                await gateway.SendAsync([.. erased, .. kept]);
                before = await gateway.WaitForAsync(r => r.Count == _sent.Count && r.All(x => x.State == "uploaded"), TimeSpan.FromSeconds(60));
                Assert.True(before.All(r => r.State == "uploaded"), FaultGateway.Describe(before));
            }
            var config = folder.Combine("edge.json");
            var cut = await EraseAsync(config, Fault(point));
            Assert.True(cut.ExitCode == Killed, $"erase-patient did not reach {point.Name} (exit {cut.ExitCode})\n{cut.Output}");
            var again = await EraseAsync(config, new Dictionary<string, string>());
            Assert.True(again.ExitCode is 0 or 1, again.Output); // 1: the cut run had already deleted the rows (nothing left to match)

            await using var restarted = await FaultGateway.StartAsync(folder, Upload());
            var rows = restarted.Rows();
            var erasedSops = erased.Select(f => CorpusFiles.Read(f).Meta.MediaStorageSopInstanceUid).ToHashSet(StringComparer.Ordinal);
            Assert.DoesNotContain(rows, r => erasedSops.Contains(r.SopInstanceUid));
            foreach (var row in before.Where(r => erasedSops.Contains(r.SopInstanceUid)))
            {
                Assert.False(File.Exists(restarted.LocalFile(row)), $"#{row.Id}: an erased instance's file is still on the box");
                Assert.Null(s3.ReadObject(Bucket, row.ObjectKey!));
            }
            Assert.Equal(kept.Count, rows.Count);
            foreach (var row in rows)
            {
                Assert.Equal("uploaded", row.State);
                AssertObjectHoldsWhatWasSent(row);
                Assert.True(File.Exists(restarted.LocalFile(row)) || HasPendingBytes(restarted, row), $"#{row.Id}: the other patient's local copy is gone");
            }
        }

        private async Task<ProcessResult> EraseAsync(string config, Dictionary<string, string> environment)
        {
            var result = await ProcessRunner.RunAsync("dotnet",
                [GatewayProcess.ExecutablePath, "erase-patient", "--patient-id", "1CT1", "--cloud", "--config", config], TimeSpan.FromSeconds(60),
                environment, folder.Path);
            output.WriteLine(result.Output);
            SqliteConnection.ClearAllPools();
            return result;
        }

        private void AssertObjectHoldsWhatWasSent(FaultRow row)
        {
            Assert.NotNull(row.ObjectKey);
            var stored = s3.ReadObject(Bucket, row.ObjectKey);
            Assert.True(stored is not null, $"#{row.Id}: {row.ObjectKey} is not in {Bucket}");
            Assert.True(ReceiverUnderTest.DataSetBytes(stored).AsSpan().SequenceEqual(_sent[row.SopInstanceUid]),
                $"#{row.Id}: the object does not hold the data set that was sent");
        }

        private static bool HasPendingBytes(FaultGateway gateway, FaultRow row)
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(gateway.DataDir, "queue.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM pending_files WHERE instance_id = $id;";
            command.Parameters.AddWithValue("$id", row.Id);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
        }
    }
}
