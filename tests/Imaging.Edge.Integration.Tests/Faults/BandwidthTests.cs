using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Imaging.Edge.CloudSync.Throttling;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Faults;

/// <summary>The bandwidth schedule, measured end to end (real gateway, s3rver) and on the limiter alone.</summary>
[Collection(FaultsCollection.Name)]
public sealed class BandwidthTests(ITestOutputHelper output)
{
    private const string Bucket = "edge";
    private const double Megabits = 16; // 2,000,000 bytes per second

    [Fact]
    public async Task Bandwidth_schedule_holds_within_15_percent()
    {
        using var folder = new TemporaryDirectory();
        var files = FaultInstances.WriteLarge(folder.Combine("large"), 4, 1024, 1280); // 4 x ~2.6 MB, single PUTs
        await using var s3 = await FaultS3rver.StartAsync(Bucket);
        await using var proxy = new FaultProxy(s3.Port); // passes everything; shows what the SDK sends
        // A window around the current local time of the box (TimeOnly wraps past midnight; so do the windows).
        var now = TimeOnly.FromDateTime(DateTime.Now);
        var upload = UploadFaultTests.Upload(FaultGateway.Endpoint(proxy.Url, Bucket, FaultGateway.KeyFolder(folder)));
        upload["MultipartThresholdMegabytes"] = 16;
        upload["AttemptTimeoutSeconds"] = 60;
        upload["BandwidthSchedule"] = new JsonArray(new JsonObject
        {
            ["From"] = now.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture),
            ["To"] = now.AddHours(1).ToString("HH:mm", CultureInfo.InvariantCulture),
            ["MegabitsPerSecond"] = Megabits,
        });
        await using var gateway = await FaultGateway.StartAsync(folder, upload);

        // Poll the queue often: the first lease and the last completion bound the transfer.
        var clock = Stopwatch.StartNew();
        var send = gateway.SendAsync(files);
        TimeSpan? firstLease = null, lastDone = null;
        List<FaultRow> rows = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            rows = gateway.Rows();
            if (firstLease is null && rows.Any(r => r.Attempts > 0)) firstLease = clock.Elapsed;
            if (rows.Count == 4 && rows.All(r => r.State is "uploaded" or "failed"))
            {
                lastDone = clock.Elapsed;
                break;
            }
            await Task.Delay(20);
        }
        await send;

        Assert.True(lastDone is not null && firstLease is not null, FaultGateway.Describe(rows) + "\n" + gateway.Output);
        Assert.True(rows.All(r => r.State == "uploaded"), FaultGateway.Describe(rows));
        UploadFaultTests.AssertObjectsIdentical(gateway, s3, Bucket, rows);
        var bytes = rows.Sum(r => r.Size);
        var seconds = (lastDone.Value - firstLease.Value).TotalSeconds;
        var rate = bytes / seconds;
        var expected = Megabits * 1_000_000 / 8;
        // The SDK signs the payload over http (x-amz-content-sha256 = the body's hash) and may read a body more than once;
        // the gateway paces bodies on the wire, so each byte is counted once whatever the SDK does.
        var putHashes = proxy.Heads.Where(h => h.StartsWith("PUT ", StringComparison.Ordinal))
            .Select(h => h.Split("\r\n").FirstOrDefault(l => l.StartsWith("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase)) ?? "(no x-amz-content-sha256)")
            .ToList();
        var fileHashes = rows.Select(r => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(gateway.LocalBytes(r)))).ToHashSet();
        output.WriteLine($"PUT payload hashes: {string.Join("; ", putHashes)}");
        output.WriteLine($"{putHashes.Count(h => fileHashes.Contains(h.Split(':').Last().Trim()))} of {putHashes.Count} PUTs carry the SHA-256 of the whole file: the SDK read each body before sending it");
        output.WriteLine($"{bytes:N0} bytes in {seconds:F2} s = {rate / 1e6:F3} MB/s ({rate * 8 / 1e6:F2} Mbit/s); schedule {expected / 1e6:F3} MB/s; ratio {rate / expected:F3}");
        Assert.InRange(rate / expected, 0.85, 1.15);
    }

    [Fact]
    public async Task Limiter_alone_paces_reads_at_the_scheduled_rate()
    {
        var limiter = new BandwidthLimiter(new BandwidthSchedule([new BandwidthWindow(TimeOnly.MinValue, TimeOnly.MaxValue, 8)]), TimeProvider.System);
        var data = new byte[3_000_000];
        await using var throttled = limiter.Throttle(new MemoryStream(data));
        var buffer = new byte[256 * 1024];
        var clock = Stopwatch.StartNew();
        long total = 0;
        int read;
        while ((read = await throttled.ReadAsync(buffer)) > 0) total += read;
        var rate = total / clock.Elapsed.TotalSeconds;
        output.WriteLine($"{total:N0} bytes in {clock.Elapsed.TotalSeconds:F2} s = {rate / 1e6:F3} MB/s (limit 1.000 MB/s)");
        Assert.Equal(data.Length, total);
        // Never faster than the limit. Slower only by what a busy machine costs the reader (the exact average is
        // checked on a simulated clock in Imaging.Edge.CloudSync.Tests, the ±15% end to end above).
        Assert.InRange(rate / 1_000_000, 0.6, 1.15);
    }
}
