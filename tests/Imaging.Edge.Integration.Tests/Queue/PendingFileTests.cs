using System.Globalization;
using System.Text.Json.Nodes;
using Imaging.Edge.Integration.Tests.Faults;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Integration.Tests.Queue;

/// <summary>
/// Small instances are acknowledged once their bytes and row are committed in queue.db, and their files are written
/// afterwards. The real gateway is killed at each step of that path (IMAGING_EDGE_TEST_FAULT): whatever was
/// acknowledged is, after a restart, a file byte-identical to what was sent, uploaded, with nothing left in pending_files.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class PendingFileTests
{
    private const string Bucket = "edge";
    private const int Instances = 20;

    [Fact]
    public async Task Uploaded_from_the_queue_before_any_file_is_written_then_killed_the_files_are_written_after_restart()
    {
        using var folder = new TemporaryDirectory();
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("sources"), Instances);
        await using var s3 = await FaultS3rver.StartAsync(Bucket);
        JsonObject Upload() => UploadFaultTests.Upload(FaultGateway.Endpoint(s3.ServiceUrl, Bucket, FaultGateway.KeyFolder(folder))); // one per start: a node has one parent
        var dataSets = files.ToDictionary(f => CorpusFiles.Read(f).Meta.MediaStorageSopInstanceUid, CorpusFiles.DataSet, StringComparer.Ordinal);

        await using (var held = await FaultGateway.StartAsync(folder, Upload(), Fault("hold-materializer")))
        {
            await held.SendAsync(files); // every one acknowledged
            // No file is written (the power-cut point of a file writer that never ran), yet every instance is
            // uploaded from its bytes in the queue, and the object holds the data set that was sent.
            var rows = await held.WaitForAsync(r => r.Count == Instances && r.All(x => x.State == "uploaded"), TimeSpan.FromSeconds(60));
            Assert.True(rows.All(r => r.State == "uploaded"), FaultGateway.Describe(rows) + "\n" + held.Output);
            Assert.All(rows, r => Assert.False(File.Exists(held.LocalFile(r)), $"#{r.Id}: its file exists though the file writer never ran"));
            Assert.Equal(Instances, PendingFileCount(held.DataDir));
            foreach (var row in rows)
            {
                var stored = s3.ReadObject(Bucket, row.ObjectKey!);
                Assert.True(stored is not null, $"#{row.Id}: {row.ObjectKey} is not in {Bucket}");
                Assert.True(ReceiverUnderTest.DataSetBytes(stored).AsSpan().SequenceEqual(dataSets[row.SopInstanceUid]),
                    $"#{row.Id}: the object does not hold the data set that was sent");
            }
            held.Kill();
            await held.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using var restarted = await FaultGateway.StartAsync(folder, Upload());
        var after = restarted.Rows();
        Assert.Equal(Instances, after.Count);
        Assert.All(after, r => Assert.Equal("uploaded", r.State));
        AssertSentBytes(restarted, files, after); // start-up recovery wrote every file
        UploadFaultTests.AssertObjectsIdentical(restarted, s3, Bucket, after);
        Assert.Equal(0, PendingFileCount(restarted.DataDir));
    }

    [Theory]
    [InlineData("kill-before-materialize")]
    [InlineData("kill-after-materialize")]
    public async Task Power_cut_at_each_step_of_writing_the_files_loses_nothing_acknowledged(string point)
    {
        using var folder = new TemporaryDirectory();
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("sources"), Instances);
        await using var s3 = await FaultS3rver.StartAsync(Bucket);
        JsonObject Upload() => UploadFaultTests.Upload(FaultGateway.Endpoint(s3.ServiceUrl, Bucket, FaultGateway.KeyFolder(folder))); // one per start: a node has one parent

        IReadOnlyList<string> acknowledged;
        await using (var faulty = await FaultGateway.StartAsync(folder, Upload(), Fault(point)))
        {
            var store = await ProcessRunner.RunAsync("storescu",
                ["-v", "-aec", "IMAGING_EDGE", "-nh", "127.0.0.1", faulty.Port.ToString(CultureInfo.InvariantCulture), .. files], TimeSpan.FromSeconds(60));
            acknowledged = Acknowledged(store.Output);
            // Once the association ends, the file writer (which gives way while it is open) reaches the point and kills the process.
            await faulty.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using var restarted = await FaultGateway.StartAsync(folder, Upload());
        var rows = restarted.Rows();
        Assert.True(rows.Count >= Math.Max(1, acknowledged.Count), $"{rows.Count} rows for {acknowledged.Count} acknowledged\n{restarted.Output}");
        var uploaded = await restarted.WaitForAsync(r => r.All(x => x.State == "uploaded"), TimeSpan.FromSeconds(60));
        Assert.True(uploaded.All(r => r.State == "uploaded"), FaultGateway.Describe(uploaded) + "\n" + restarted.Output);
        var bySop = AssertSentBytes(restarted, files, uploaded);
        foreach (var file in acknowledged)
            Assert.True(bySop.ContainsKey(CorpusFiles.Read(file).Meta.MediaStorageSopInstanceUid), $"acknowledged {Path.GetFileName(file)} was LOST");
        UploadFaultTests.AssertObjectsIdentical(restarted, s3, Bucket, uploaded);
        Assert.Equal(0, PendingFileCount(restarted.DataDir));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(restarted.DataDir, "spool")));
        var known = uploaded.Select(r => r.LocalPath).ToHashSet(StringComparer.Ordinal);
        Assert.All(Directory.EnumerateFiles(Path.Combine(restarted.DataDir, "studies"), "*.dcm", SearchOption.AllDirectories),
            f => Assert.Contains(Path.GetRelativePath(restarted.DataDir, f), known));
    }

    private static Dictionary<string, string> Fault(string value) => new() { ["IMAGING_EDGE_TEST_FAULT"] = value };

    /// <summary>Every row's file holds the data set sent under its SOP Instance UID, once. Returns the rows by SOP Instance UID.</summary>
    private static Dictionary<string, FaultRow> AssertSentBytes(FaultGateway gateway, IEnumerable<string> sent, IReadOnlyList<FaultRow> rows)
    {
        var dataSets = sent.ToDictionary(f => CorpusFiles.Read(f).Meta.MediaStorageSopInstanceUid, CorpusFiles.DataSet, StringComparer.Ordinal);
        var bySop = rows.ToDictionary(r => r.SopInstanceUid, StringComparer.Ordinal); // throws on a second copy
        foreach (var row in rows)
            Assert.True(ReceiverUnderTest.DataSetBytes(gateway.LocalFile(row)).AsSpan().SequenceEqual(dataSets[row.SopInstanceUid]),
                $"#{row.Id}: its file does not hold the data set that was sent");
        return bySop;
    }

    /// <summary>The files storescu -v reported stored with success.</summary>
    internal static List<string> Acknowledged(string output)
    {
        var stored = new List<string>();
        string? current = null;
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("I: Sending file: ", StringComparison.Ordinal)) current = line["I: Sending file: ".Length..];
            else if (line == "I: Received Store Response (Success)" && current is not null)
            {
                stored.Add(current);
                current = null;
            }
        }
        return stored;
    }

    internal static long PendingFileCount(string dataDir)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "queue.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pending_files;";
        return (long)command.ExecuteScalar()!;
    }
}
