using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Faults;

/// <summary>Primary and backup buckets (two s3rver instances): failover while the primary is down, and writing to both.</summary>
[Collection(FaultsCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const string PrimaryBucket = "primary-bucket";
    private const string BackupBucket = "backup-bucket";

    [Fact]
    public async Task Backup_takes_over_while_primary_is_down_and_primary_is_used_again()
    {
        using var folder = new TemporaryDirectory();
        var during = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("during"), 6);
        var after = FreshInstances.Write(PydicomCorpus.File("MR_small.dcm"), folder.Combine("after"), 4);
        await using var primary = await FaultS3rver.StartAsync(PrimaryBucket);
        await using var backup = await FaultS3rver.StartAsync(BackupBucket);
        await using var proxy = new FaultProxy(primary.Port);
        var keys = FaultGateway.KeyFolder(folder);
        await using var gateway = await FaultGateway.StartAsync(folder, UploadFaultTests.Upload(
            FaultGateway.Endpoint(proxy.Url, PrimaryBucket, keys), FaultGateway.Endpoint(backup.ServiceUrl, BackupBucket, keys)));

        // The primary's link is down (resets and drops): what arrives meanwhile goes to the backup.
        proxy.SetFlaky(1.0, FaultKind.Reset, FaultKind.Drop);
        await gateway.SendAsync(during);
        var rows = await gateway.WaitForAsync(r => r.Count == 6 && r.All(x => x.State is "uploaded" or "failed"), TimeSpan.FromSeconds(40));
        output.WriteLine($"primary down: {proxy.Summary()}");
        output.WriteLine(FaultGateway.Describe(rows));
        Assert.True(rows.Count == 6 && rows.All(r => r.State == "uploaded"), FaultGateway.Describe(rows) + "\n" + gateway.Output);
        Assert.All(rows, r => Assert.Equal("backup", r.Destination));
        UploadFaultTests.AssertObjectsIdentical(gateway, backup, BackupBucket, rows);
        Assert.All(rows, r => Assert.Null(primary.ReadObject(PrimaryBucket, r.ObjectKey!)));
        Assert.True(proxy.Faults > 0, proxy.Summary());

        // The primary is back; after the break, new instances go to it again.
        proxy.Set(FaultKind.Pass);
        var requestsWhileDown = proxy.Requests;
        await gateway.WaitForCircuitNotOpenAsync("primary", TimeSpan.FromSeconds(30)); // CircuitBreakSeconds = 2
        await gateway.SendAsync(after);
        rows = await gateway.WaitForAsync(r => r.Count == 10 && r.All(x => x.State is "uploaded" or "failed"), TimeSpan.FromSeconds(30));
        var newer = rows.Skip(6).ToList();
        output.WriteLine($"primary back: {proxy.Summary()}; requests to the primary since it came back: {proxy.Requests - requestsWhileDown}");
        output.WriteLine(string.Join("\n", gateway.Output.Split('\n').Where(l => l.Contains("circuit", StringComparison.Ordinal) && l.Contains("Endpoint", StringComparison.Ordinal))));
        output.WriteLine(FaultGateway.Describe(newer));
        Assert.True(newer.Count == 4 && newer.All(r => r.State == "uploaded"), FaultGateway.Describe(rows) + "\n" + gateway.Output);
        Assert.True(newer.All(r => r.Destination == "primary"),
            $"after the primary came back (and its break ended) new instances still went elsewhere; {proxy.Requests - requestsWhileDown} requests reached the primary since:\n" +
            FaultGateway.Describe(newer) + "\n" + gateway.Output);
        UploadFaultTests.AssertObjectsIdentical(gateway, primary, PrimaryBucket, newer);
    }

    [Fact]
    public async Task Both_mode_writes_every_object_to_both()
    {
        using var folder = new TemporaryDirectory();
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("small"), 5);
        var large = FaultInstances.WriteLarge(folder.Combine("large"), 1, 1536, 2048); // ~6.3 MB: multipart (2 parts)
        await using var primary = await FaultS3rver.StartAsync(PrimaryBucket);
        await using var backup = await FaultS3rver.StartAsync(BackupBucket);
        var keys = FaultGateway.KeyFolder(folder);
        await using var gateway = await FaultGateway.StartAsync(folder, UploadFaultTests.Upload(
            FaultGateway.Endpoint(primary.ServiceUrl, PrimaryBucket, keys), FaultGateway.Endpoint(backup.ServiceUrl, BackupBucket, keys), mode: "Both"));

        await gateway.SendAsync([.. files, .. large]);
        var rows = await gateway.WaitForAsync(r => r.Count == 6 && r.All(x => x.State is "uploaded" or "failed"), TimeSpan.FromSeconds(30));

        output.WriteLine(FaultGateway.Describe(rows));
        Assert.True(rows.Count == 6 && rows.All(r => r.State == "uploaded"), FaultGateway.Describe(rows) + "\n" + gateway.Output);
        Assert.All(rows, r => Assert.Equal("primary+backup", r.Destination));
        UploadFaultTests.AssertObjectsIdentical(gateway, primary, PrimaryBucket, rows);
        UploadFaultTests.AssertObjectsIdentical(gateway, backup, BackupBucket, rows);
    }
}
