using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Faults;

/// <summary>
/// An object the gateway wrote that failed verification (a byte flipped on the way to the primary) and whose instance
/// was then verified elsewhere (the backup, after the primary's circuit opened) does not stay damaged in the primary:
/// the gateway remembers it in the queue and deletes it once the primary answers — but only while it still holds the
/// damaged bytes, never once it holds verified ones.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class DamagedObjectTests(ITestOutputHelper output)
{
    private const string PrimaryBucket = "primary-bucket";
    private const string BackupBucket = "backup-bucket";

    [Fact]
    public async Task Damaged_object_left_in_primary_after_failover_is_deleted_once_primary_answers()
    {
        await using var setup = await Setup.StartAsync();
        var (row, damaged) = await setup.FailOverAfterDamagedPutAsync(output);

        setup.Proxy.Set(FaultKind.Pass);
        var left = await WaitForAsync(() => setup.Primary.ReadObject(PrimaryBucket, row.ObjectKey!) is not { } bytes || bytes.AsSpan().SequenceEqual(setup.Local(row)),
            TimeSpan.FromSeconds(60));

        output.WriteLine($"proxy: {setup.Proxy.Summary()}");
        Assert.True(left, $"the damaged object ({damaged.Length} bytes) is still in the primary under its key\n{setup.Gateway.Output}");
        UploadFaultTests.AssertObjectsIdentical(setup.Gateway, setup.Backup, BackupBucket, [row]);
        Assert.True(await WaitForAsync(() => DamagedRows(setup.Gateway).Count == 0, TimeSpan.FromSeconds(10)), "the row of the deleted object stayed");
    }

    [Fact]
    public async Task Damaged_object_is_remembered_across_a_restart_while_primary_is_away_and_deleted_when_it_answers()
    {
        await using var setup = await Setup.StartAsync();
        var (row, _) = await setup.FailOverAfterDamagedPutAsync(output);
        Assert.True(await WaitForAsync(() => DamagedRows(setup.Gateway).Any(r => r.Destination == "primary" && r.Key == row.ObjectKey), TimeSpan.FromSeconds(10)),
            "the damaged object is not remembered in the queue");

        // Power cut while the primary is still away; the gateway comes back, the primary not yet.
        await setup.RestartAsync(kill: true);
        var kept = await WaitForAsync(() => setup.Gateway.Output.Contains("not removed yet", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var rows = DamagedRows(setup.Gateway);
        output.WriteLine($"after the restart: {rows.Count} rows, attempts {string.Join(", ", rows.Select(r => r.Attempts))}; tried: {kept}");
        Assert.True(kept, "the restarted gateway did not try to remove the damaged object\n" + setup.Gateway.Output);
        Assert.Contains(rows, r => r.Destination == "primary" && r.Key == row.ObjectKey);
        Assert.NotNull(setup.Primary.ReadObject(PrimaryBucket, row.ObjectKey!)); // still there: the primary was away

        setup.Proxy.Set(FaultKind.Pass);
        var gone = await WaitForAsync(() => setup.Primary.ReadObject(PrimaryBucket, row.ObjectKey!) is null && DamagedRows(setup.Gateway).Count == 0,
            TimeSpan.FromSeconds(90));
        output.WriteLine($"proxy: {setup.Proxy.Summary()}");
        Assert.True(gone, "the damaged object (or its row) is still there after the primary came back\n" + setup.Gateway.Output);
        UploadFaultTests.AssertObjectsIdentical(setup.Gateway, setup.Backup, BackupBucket, [row]);
    }

    [Fact]
    public async Task Object_overwritten_with_verified_bytes_is_not_deleted_and_its_row_is_dropped()
    {
        await using var setup = await Setup.StartAsync();
        var (row, _) = await setup.FailOverAfterDamagedPutAsync(output);
        Assert.True(await WaitForAsync(() => DamagedRows(setup.Gateway).Any(r => r.Key == row.ObjectKey), TimeSpan.FromSeconds(10)),
            "the damaged object is not remembered in the queue");

        // While the primary is away for the gateway, a later writer (another attempt, another gateway of the site) puts
        // the verified bytes under that key: the very files s3rver wrote for the verified copy in the backup.
        setup.CopyVerifiedObjectToPrimary(row.ObjectKey!);
        Assert.True(setup.Primary.ReadObject(PrimaryBucket, row.ObjectKey!).AsSpan().SequenceEqual(setup.Local(row)));

        setup.Proxy.Set(FaultKind.Pass);
        var dropped = await WaitForAsync(() => DamagedRows(setup.Gateway).Count == 0, TimeSpan.FromSeconds(90));
        output.WriteLine($"proxy: {setup.Proxy.Summary()}");
        Assert.True(dropped, "the row of an object now holding the verified bytes was not dropped\n" + setup.Gateway.Output);
        var stored = setup.Primary.ReadObject(PrimaryBucket, row.ObjectKey!);
        Assert.True(stored is not null && stored.AsSpan().SequenceEqual(setup.Local(row)), "the verified object in the primary was deleted or changed");
        Assert.DoesNotContain(setup.Proxy.Heads, h => h.StartsWith("DELETE ", StringComparison.Ordinal));
    }

    private static Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout) =>
        Receiver.BadInputTests.Eventually(condition, (int)timeout.TotalMilliseconds);

    /// <summary>The gateway's <c>damaged_objects</c> rows.</summary>
    private static List<(string Destination, string Key, int Attempts)> DamagedRows(FaultGateway gateway)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(gateway.DataDir, "queue.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 10,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT destination, object_key, attempts FROM damaged_objects ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, int)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        return rows;
    }

    /// <summary>A primary s3rver behind a fault proxy, a backup s3rver, a gateway in Failover mode uploading to both.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        private readonly TemporaryDirectory _folder;

        private Setup(TemporaryDirectory folder, FaultS3rver primary, FaultS3rver backup, FaultProxy proxy, FaultGateway gateway)
        {
            _folder = folder;
            Primary = primary;
            Backup = backup;
            Proxy = proxy;
            Gateway = gateway;
        }

        public FaultS3rver Primary { get; }
        public FaultS3rver Backup { get; }
        public FaultProxy Proxy { get; }
        public FaultGateway Gateway { get; private set; }

        public static async Task<Setup> StartAsync()
        {
            var folder = new TemporaryDirectory();
            var primary = await FaultS3rver.StartAsync(PrimaryBucket);
            var backup = await FaultS3rver.StartAsync(BackupBucket);
            var proxy = new FaultProxy(primary.Port);
            var gateway = await FaultGateway.StartAsync(folder, UploadSection(folder, proxy, backup));
            return new Setup(folder, primary, backup, proxy, gateway);
        }

        private static System.Text.Json.Nodes.JsonObject UploadSection(TemporaryDirectory folder, FaultProxy proxy, FaultS3rver backup)
        {
            var keys = FaultGateway.KeyFolder(folder);
            return UploadFaultTests.Upload(FaultGateway.Endpoint(proxy.Url, PrimaryBucket, keys), FaultGateway.Endpoint(backup.ServiceUrl, BackupBucket, keys));
        }

        /// <summary>
        /// Sends one instance whose PUT to the primary arrives with a byte flipped, after which the primary is away
        /// (every request reset): the instance is verified in the backup. Returns its row and the damaged bytes the
        /// primary kept under its key (checked to be there and damaged, so that the test is not vacuous).
        /// </summary>
        public async Task<(FaultRow Row, byte[] Damaged)> FailOverAfterDamagedPutAsync(ITestOutputHelper output)
        {
            var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), _folder.Combine("instance"), 1);
            Proxy.CorruptNextBodies(1, 20_000);
            Proxy.AfterCorruption = FaultKind.Reset;
            await Gateway.SendAsync(files);
            var rows = await Gateway.WaitForAsync(r => r.Count == 1 && r[0].State is "uploaded" or "failed", TimeSpan.FromSeconds(60));
            output.WriteLine($"proxy: {Proxy.Summary()}");
            output.WriteLine(FaultGateway.Describe(rows));
            Assert.True(rows.Count == 1 && rows[0] is { State: "uploaded", Destination: "backup" }, FaultGateway.Describe(rows) + "\n" + Gateway.Output);
            Assert.Equal(1, Proxy.Corrupted);
            var row = rows[0];
            UploadFaultTests.AssertObjectsIdentical(Gateway, Backup, BackupBucket, [row]);
            var damaged = Primary.ReadObject(PrimaryBucket, row.ObjectKey!);
            Assert.True(damaged is not null && !damaged.AsSpan().SequenceEqual(Local(row)) && damaged.Length == Local(row).Length,
                "the scenario did not happen: no damaged object in the primary under the instance's key");
            return (row, damaged);
        }

        public byte[] Local(FaultRow row) => Gateway.LocalBytes(row);

        /// <summary>Stops the gateway (SIGKILL, or an orderly stop) and starts it again over the same folder and configuration.</summary>
        public async Task RestartAsync(bool kill)
        {
            if (kill)
            {
                Gateway.Kill();
                await Gateway.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
            await Gateway.DisposeAsync();
            Gateway = await FaultGateway.StartAsync(_folder, UploadSection(_folder, Proxy, Backup));
        }

        /// <summary>Copies s3rver's files of the backup's verified object (bytes, MD5, metadata) to the same key in the primary.</summary>
        public void CopyVerifiedObjectToPrimary(string key)
        {
            var source = Backup.ObjectPath(BackupBucket, key)[..^"object".Length];
            var target = Primary.ObjectPath(PrimaryBucket, key)[..^"object".Length];
            foreach (var suffix in new[] { "object", "object.md5", "metadata.json" })
            {
                if (File.Exists(source + suffix)) File.Copy(source + suffix, target + suffix, overwrite: true);
                else if (File.Exists(target + suffix)) File.Delete(target + suffix);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Proxy.DisposeAsync();
            await Backup.DisposeAsync();
            await Primary.DisposeAsync();
            _folder.Dispose();
        }
    }
}
