using System.Text.Json.Nodes;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Faults;

/// <summary>
/// The real gateway uploading to s3rver through a <see cref="FaultProxy"/> that drops, resets, stalls, throttles (503) and
/// cuts requests: every acknowledged instance ends up in the bucket byte for byte, none is failed, and retries back off.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class UploadFaultTests(ITestOutputHelper output)
{
    private const string Bucket = "edge";

    internal static JsonObject Upload(JsonObject primary, JsonObject? backup = null, string mode = "Failover") => new()
    {
        ["Destination"] = "s3",
        ["S3"] = primary,
        ["BackupS3"] = backup,
        ["Mode"] = mode,
        ["Concurrency"] = 4,
        ["AttemptTimeoutSeconds"] = 3,
        ["MaxRetryAttempts"] = 2,
        ["CircuitBreakSeconds"] = 2,
        ["MultipartThresholdMegabytes"] = 5,
        ["PartSizeMegabytes"] = 5,
    };

    /// <summary>Every row's object in the bucket is byte-identical to its local file.</summary>
    internal static void AssertObjectsIdentical(FaultGateway gateway, FaultS3rver s3, string bucket, IEnumerable<FaultRow> rows)
    {
        foreach (var row in rows)
        {
            Assert.NotNull(row.ObjectKey);
            var stored = s3.ReadObject(bucket, row.ObjectKey);
            Assert.True(stored is not null, $"#{row.Id}: {row.ObjectKey} is not in {bucket}");
            var local = gateway.LocalBytes(row);
            Assert.True(local.AsSpan().SequenceEqual(stored), $"#{row.Id}: the object in {bucket} ({stored.Length} bytes) differs from the local file ({local.Length} bytes)");
        }
    }

    [Fact]
    public async Task Flaky_link_loses_and_corrupts_nothing()
    {
        using var folder = new TemporaryDirectory();
        var small = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("small"), 30);
        var large = FaultInstances.WriteLarge(folder.Combine("large"), 1, 2048, 3072); // ~12.6 MB: 3 parts of 5 MB
        await using var s3 = await FaultS3rver.StartAsync(Bucket);
        await using var proxy = new FaultProxy(s3.Port) { CutAfterBytes = 64 * 1024 };
        proxy.SetFlaky(0.3, FaultKind.Drop, FaultKind.Reset, FaultKind.Stall, FaultKind.Http503, FaultKind.CutBody);
        await using var gateway = await FaultGateway.StartAsync(folder, Upload(FaultGateway.Endpoint(proxy.Url, Bucket, FaultGateway.KeyFolder(folder))));

        var started = DateTime.UtcNow;
        await gateway.SendAsync([.. large, .. small]);
        var rows = await gateway.WaitForAsync(r => r.Count == 31 && r.All(x => x.State is "uploaded" or "failed"), TimeSpan.FromSeconds(75));
        var elapsed = DateTime.UtcNow - started;

        var postponements = gateway.Postpones();
        var retries = gateway.PipelineRetries();
        output.WriteLine($"{elapsed.TotalSeconds:F1} s; proxy: {proxy.Summary()}");
        output.WriteLine($"pipeline retries: {retries.Count} ({string.Join(", ", retries.GroupBy(r => r.Attempt).OrderBy(g => g.Key).Select(g => $"attempt {g.Key}: {g.Count()} x, mean {g.Average(r => r.Delay.TotalSeconds):F2} s"))})");
        var partRequests = proxy.Heads.Count(h => h.StartsWith("PUT ", StringComparison.Ordinal) && h.Contains("partNumber=", StringComparison.Ordinal));
        output.WriteLine($"part PUTs seen by the proxy: {partRequests} for 3 parts");
        output.WriteLine($"postponements: {postponements.Count}; rows with attempts > 1: {rows.Count(r => r.Attempts > 1)}, max attempts {rows.Max(r => r.Attempts)}");
        output.WriteLine(FaultGateway.Describe(rows.Where(r => r.Attempts > 1)));

        Assert.True(rows.Count == 31, $"{rows.Count} rows\n{gateway.Output}");
        Assert.True(rows.All(r => r.State == "uploaded"), FaultGateway.Describe(rows) + "\n" + gateway.Output);
        AssertObjectsIdentical(gateway, s3, Bucket, rows);
        Assert.Contains(rows, r => r.Size > 10_000_000);

        // Not vacuous: the link really was bad, in several ways.
        Assert.True(proxy.Faults >= 10, proxy.Summary());
        Assert.True(Enum.GetValues<FaultKind>().Count(k => k != FaultKind.Pass && proxy.Count(k) > 0) >= 4, proxy.Summary());
        // Retries backed off: the pipeline waited before retrying, and queue postponements of one instance grow.
        Assert.NotEmpty(retries);
        Assert.All(retries, r => Assert.True(r.Delay > TimeSpan.Zero, $"attempt {r.Attempt} retried at once"));
        AssertPostponementsGrow(postponements);
    }

    [Fact]
    public async Task All_503_postpones_with_growing_delays_then_recovers()
    {
        using var folder = new TemporaryDirectory();
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("small"), 6);
        await using var s3 = await FaultS3rver.StartAsync(Bucket);
        await using var proxy = new FaultProxy(s3.Port);
        proxy.Set(FaultKind.Http503);
        await using var gateway = await FaultGateway.StartAsync(folder, Upload(FaultGateway.Endpoint(proxy.Url, Bucket, FaultGateway.KeyFolder(folder))));

        await gateway.SendAsync(files);
        // Throttled for a while: every row stays pending (or in flight), none is given up.
        var throttledUntil = DateTime.UtcNow + TimeSpan.FromSeconds(14);
        var seenSlowDown = false;
        var neverFailed = true;
        List<FaultRow> rows;
        do
        {
            await Task.Delay(250);
            rows = gateway.Rows();
            neverFailed &= rows.All(r => r.State is "pending" or "uploading");
            // SlowDown, or ServiceUnavailable where the 503 answered the HEAD before a put (a HEAD's answer has no body).
            seenSlowDown |= rows.Any(r => r.LastError is { } e && (e.Contains("SlowDown", StringComparison.Ordinal) || e.Contains("ServiceUnavailable", StringComparison.Ordinal)));
        }
        while (DateTime.UtcNow < throttledUntil);
        var throttled = rows;
        var postponements = gateway.Postpones();
        output.WriteLine($"proxy while throttling: {proxy.Summary()}");
        output.WriteLine(FaultGateway.Describe(throttled));
        output.WriteLine($"{postponements.Count} postponements, {postponements.Count(p => IsCircuitOpen(p.Reason))} of them 'circuit open' (1 s); " +
            $"reasons: {string.Join("; ", postponements.Select(p => p.Reason).Distinct())}");
        foreach (var instance in postponements.GroupBy(p => p.Instance))
            output.WriteLine($"#{instance.Key}: delays {string.Join(", ", instance.Select(p => $"{(p.RetryAt - p.LoggedAt).TotalSeconds:F1}"))} s");

        // The link recovers: everything goes up, without a restart, within a bounded time.
        proxy.Set(FaultKind.Pass);
        var recovered = DateTime.UtcNow;
        rows = await gateway.WaitForAsync(r => r.All(x => x.State == "uploaded"), TimeSpan.FromSeconds(45));
        output.WriteLine($"after the link recovered, {rows.Count(r => r.State == "uploaded")} of {rows.Count} uploaded in {(DateTime.UtcNow - recovered).TotalSeconds:F1} s");
        output.WriteLine(FaultGateway.Describe(rows));

        Assert.Equal(6, throttled.Count);
        Assert.True(neverFailed, "a throttled upload was given up\n" + FaultGateway.Describe(throttled));
        Assert.True(proxy.Count(FaultKind.Http503) >= 6, proxy.Summary());
        Assert.True(rows.All(r => r.State == "uploaded"), FaultGateway.Describe(rows));
        AssertObjectsIdentical(gateway, s3, Bucket, rows);

        // While throttled, the queue tells why (SlowDown) and backs off more and more, rather than every second.
        Assert.True(seenSlowDown, "no row's last_error ever mentioned SlowDown while the store answered 503 SlowDown:\n" + FaultGateway.Describe(throttled));
        Assert.Contains(postponements, p => p.Reason.Contains("SlowDown", StringComparison.Ordinal) || p.Reason.Contains("ServiceUnavailable", StringComparison.Ordinal));
        AssertPostponementsGrow(postponements);
        // With no backup, the circuit breaker is the backoff: each failed trial doubles the break, so an instance
        // waits longer and longer (CircuitBreakSeconds 2 → 4 → 8 s …), never every second.
        Assert.Contains(postponements.GroupBy(p => p.Instance), g => g.Count() >= 2 && g.Last().RetryAt - g.Last().LoggedAt > g.First().RetryAt - g.First().LoggedAt);
        Assert.True(postponements.Count < 40, $"{postponements.Count} postponements in the throttled period: not backing off");
    }

    [Fact]
    public async Task Body_corrupted_in_flight_is_sent_again_never_kept()
    {
        using var folder = new TemporaryDirectory();
        var small = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("small"), 1);
        var large = FaultInstances.WriteLarge(folder.Combine("large"), 1, 1536, 2048); // ~6.3 MB: 2 parts of 5 MB
        await using var s3 = await FaultS3rver.StartAsync(Bucket);
        await using var proxy = new FaultProxy(s3.Port);
        // s3rver, like some S3-compatible stores, does not check Content-MD5: the gateway must notice on its own.
        proxy.CorruptNextBodies(3, 20_000);
        await using var gateway = await FaultGateway.StartAsync(folder, Upload(FaultGateway.Endpoint(proxy.Url, Bucket, FaultGateway.KeyFolder(folder))));

        await gateway.SendAsync([.. small, .. large]);
        var rows = await gateway.WaitForAsync(r => r.Count == 2 && r.All(x => x.State is "uploaded" or "failed"), TimeSpan.FromSeconds(40));

        output.WriteLine($"proxy: {proxy.Summary()}");
        output.WriteLine(FaultGateway.Describe(rows));
        foreach (var p in gateway.Postpones()) output.WriteLine($"#{p.Instance} postponed {(p.RetryAt - p.LoggedAt).TotalSeconds:F1} s: {p.Reason}");
        Assert.Equal(3, proxy.Corrupted);
        Assert.True(rows.Count == 2 && rows.All(r => r.State == "uploaded"), FaultGateway.Describe(rows) + "\n" + gateway.Output);
        AssertObjectsIdentical(gateway, s3, Bucket, rows.Where(r => r.Size < 1_000_000));
        AssertObjectsIdentical(gateway, s3, Bucket, rows.Where(r => r.Size > 1_000_000));
    }

    private static bool IsCircuitOpen(string reason) => reason.Contains("circuit open", StringComparison.Ordinal);

    /// <summary>
    /// Per instance, the delays of successive transient postponements (not the 1 s "circuit open" ones) grow: the worker
    /// backs off 5 s x 2^(attempts-1) with ±20 % jitter, so consecutive delays cannot overlap.
    /// </summary>
    internal static void AssertPostponementsGrow(List<(long Instance, DateTimeOffset LoggedAt, DateTimeOffset RetryAt, string Reason)> postponements)
    {
        foreach (var instance in postponements.Where(p => !IsCircuitOpen(p.Reason)).GroupBy(p => p.Instance))
        {
            var delays = instance.Select(p => p.RetryAt - p.LoggedAt).ToList();
            for (var i = 1; i < delays.Count; i++)
                Assert.True(delays[i] > delays[i - 1],
                    $"instance {instance.Key}: postponement {i + 1} waits {delays[i].TotalSeconds:F1} s, not more than the one before ({delays[i - 1].TotalSeconds:F1} s)");
        }
    }
}
