using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Queue;

/// <summary>
/// The one rule under SIGKILL: the real gateway is killed at random moments while storescu sends to it; whatever
/// storescu saw acknowledged must be on disk, intact and queued once after the restart's recovery.
/// </summary>
// Alone, after the parallel tests: its kill points are times (30–400 ms after the first data set), so a machine busy
// with other tests (the package builds publish twice) leaves too few acknowledgements for the run to prove anything.
[Collection(RunAloneCollection.Name)]
public sealed class KillTests(ITestOutputHelper output)
{
    private const int Instances = 150;
    private const int Rounds = 20;
    private const string SentOk = "I: Received Store Response (Success)";
    private const string Sending = "I: Sending file: ";

    [Fact]
    public async Task Acknowledged_instances_survive_sigkill_at_random_points()
    {
        var seed = int.TryParse(System.Environment.GetEnvironmentVariable("IMAGING_EDGE_KILLTEST_SEED"), CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set IMAGING_EDGE_KILLTEST_SEED to replay)");
        var random = new Random(seed);
        var budget = Stopwatch.StartNew();

        using var folder = new TemporaryDirectory();
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("sources"), Instances);
        var sent = files.ToDictionary(f => f, f => new SentFile(CorpusFiles.Read(f).Meta.MediaStorageSopInstanceUid, CorpusFiles.DataSet(f)), StringComparer.Ordinal);
        var dataDir = folder.Combine("data");

        var acknowledged = new Dictionary<string, SentFile>(StringComparer.Ordinal); // by SOP Instance UID
        int acknowledgements = 0, killedMidTransfer = 0, roundsRun = 0;
        for (var round = 0; round < Rounds && budget.Elapsed < TimeSpan.FromSeconds(75); round++)
        {
            roundsRun++;
            var subset = files.OrderBy(_ => random.Next()).Take(random.Next(20, Instances + 1)).ToList();
            var delay = random.Next(30, 401);

            StoreOutcome outcome;
            var port = GatewayProcess.FreePort();
            await using (var gateway = GatewayProcess.Start(["run"], GatewayEnvironment(dataDir, port), folder.Path))
            {
                await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
                using var store = KillStorescu.Start(["-aec", "IMAGING_EDGE", "-xe", "-nh", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), .. subset]);
                // The clock starts when the first data set is on its way: storescu's own start-up is not the gateway's.
                await store.FirstFileSent.WaitAsync(TimeSpan.FromSeconds(30));
                await Task.Delay(delay);
                gateway.Kill();
                await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10));
                outcome = Parse(await store.WaitForExitAsync(TimeSpan.FromSeconds(30)), subset.Count);
            }

            foreach (var file in outcome.Stored)
                acknowledged[sent[file].SopInstanceUid] = sent[file];
            acknowledgements += outcome.Stored.Count;
            if (outcome.Failed) killedMidTransfer++;

            // Recovery runs at start-up, before the port opens.
            var recoveryPort = GatewayProcess.FreePort();
            await using (var restarted = GatewayProcess.Start(["run"], GatewayEnvironment(dataDir, recoveryPort), folder.Path))
            {
                await restarted.WaitForPortAsync(recoveryPort, TimeSpan.FromSeconds(30));
                restarted.Terminate();
                var exit = await restarted.WaitForExitAsync(TimeSpan.FromSeconds(30));
                Assert.True(exit == 0, $"round {round}: the restarted gateway did not stop cleanly ({exit}):\n{restarted.Output}");
            }

            var rows = Verify(dataDir, acknowledged, $"round {round} (seed {seed}, {subset.Count} files, kill after {delay} ms)");
            output.WriteLine($"round {round,2}: {subset.Count,3} files, kill after {delay,3} ms: {outcome.Stored.Count,3} acknowledged" +
                $"{(outcome.Failed ? ", cut short" : "")}; queue holds {rows} rows, {acknowledged.Count} distinct instances acknowledged so far");
        }

        output.WriteLine($"{roundsRun} rounds in {budget.Elapsed.TotalSeconds:F1} s: {acknowledgements} acknowledgements " +
            $"({acknowledged.Count} distinct instances), {killedMidTransfer} rounds killed mid-transfer");
        Assert.True(acknowledgements >= 100, $"only {acknowledgements} acknowledgements over the run (seed {seed}): the test proved too little");
        Assert.True(killedMidTransfer > 0, $"no round was killed mid-transfer (seed {seed})");
    }

    private sealed record SentFile(string SopInstanceUid, byte[] DataSet);

    private sealed record StoreOutcome(IReadOnlyList<string> Stored, bool Failed);

    private static Dictionary<string, string> GatewayEnvironment(string dataDir, int port) => new()
    {
        ["IMAGING_EDGE__Gateway__DataDir"] = dataDir,
        ["IMAGING_EDGE__Dicom__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
        ["IMAGING_EDGE__Dicom__AeTitle"] = "IMAGING_EDGE",
        ["IMAGING_EDGE__Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>The files storescu -v reported stored with success ("Sending file: X" … "Received Store Response (Success)").</summary>
    private static StoreOutcome Parse(ProcessResult result, int fileCount)
    {
        var stored = new List<string>();
        string? current = null;
        foreach (var line in result.Output.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith(Sending, StringComparison.Ordinal))
                current = line[Sending.Length..];
            else if (line == SentOk && current is not null)
            {
                stored.Add(current);
                current = null;
            }
        }
        return new StoreOutcome(stored, result.ExitCode != 0 || stored.Count < fileCount);
    }

    private sealed record Row(string SopInstanceUid, int Version, byte[] Sha256, string LocalPath, string State, string? LastError);

    /// <summary>Checks the one rule over the data folder of a stopped gateway; returns the number of rows.</summary>
    private static int Verify(string dataDir, IReadOnlyDictionary<string, SentFile> acknowledged, string when)
    {
        var rows = ReadRows(Path.Combine(dataDir, "queue.db"));
        var bySop = rows.ToLookup(r => r.SopInstanceUid, StringComparer.Ordinal);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var row in rows)
        {
            var path = Path.Combine(dataDir, row.LocalPath);
            Assert.True(File.Exists(path), $"{when}: the row of {row.SopInstanceUid} v{row.Version} names {row.LocalPath}, which is missing");
            var sha = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            Assert.True(sha == Convert.ToHexString(row.Sha256), $"{when}: {row.LocalPath} does not have its row's SHA-256");
            Assert.True(row.State != "failed", $"{when}: {row.SopInstanceUid} v{row.Version} is failed: {row.LastError}");
            hashes[row.LocalPath] = sha;
        }

        foreach (var (sop, sentFile) in acknowledged)
        {
            var copies = bySop[sop].ToList();
            Assert.True(copies.Count > 0, $"{when}: acknowledged instance {sop} has no row: LOST");
            Assert.True(copies.Any(c => ReceiverUnderTest.DataSetBytes(Path.Combine(dataDir, c.LocalPath)).AsSpan().SequenceEqual(sentFile.DataSet)),
                $"{when}: no stored copy of acknowledged instance {sop} holds the data set that was sent");
        }

        foreach (var group in bySop)
        {
            var twice = group.GroupBy(r => Convert.ToHexString(r.Sha256)).FirstOrDefault(g => g.Count() > 1);
            Assert.True(twice is null, $"{when}: {group.Key} is queued {twice?.Count()} times with the same bytes: " +
                string.Join(", ", twice?.Select(r => r.LocalPath) ?? []));
        }

        var spool = Path.Combine(dataDir, "spool");
        Assert.True(!Directory.Exists(spool) || !Directory.EnumerateFileSystemEntries(spool).Any(),
            $"{when}: spool/ is not empty after the restart: {string.Join(", ", Directory.EnumerateFileSystemEntries(spool))}");
        var known = rows.Select(r => r.LocalPath).ToHashSet(StringComparer.Ordinal);
        var studies = Path.Combine(dataDir, "studies");
        if (Directory.Exists(studies))
        {
            foreach (var file in Directory.EnumerateFiles(studies, "*.dcm", SearchOption.AllDirectories))
                Assert.True(known.Contains(Path.GetRelativePath(dataDir, file)), $"{when}: {Path.GetRelativePath(dataDir, file)} has no queue row");
        }
        var quarantine = Path.Combine(dataDir, "quarantine");
        Assert.True(!Directory.Exists(quarantine) || !Directory.EnumerateFiles(quarantine).Any(),
            $"{when}: recovery quarantined files the gateway wrote itself");
        return rows.Count;
    }

    private static List<Row> ReadRows(string databasePath)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sop_instance_uid, version, sha256, local_path, state, last_error FROM instances ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
            rows.Add(new Row(reader.GetString(0), reader.GetInt32(1), (byte[])reader[2], reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        return rows;
    }
}
