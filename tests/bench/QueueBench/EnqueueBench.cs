using System.Diagnostics;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Bench.Queue;

/// <summary>
/// (a) Enqueue cost from an empty queue to a large one. Windows of <c>window</c> inserts go through
/// <see cref="IntakeStore.Enqueue"/> exactly as the intake calls it (one transaction and one fsync'd commit per
/// instance); between windows the queue is filled through <see cref="FastFill"/>.
/// </summary>
internal static class EnqueueBench
{
    public sealed record Window(string Name, long RowsBefore, int Inserts, double Seconds, double CpuMicrosPerInsert,
        double P50Ms, double P99Ms, double MaxMs)
    {
        /// <summary>What the disk gave a plain write+fsync loop just before this window (the noise of shared disks).</summary>
        public double FsyncsPerSecond { get; init; }

        public double InsertsPerSecond => Inserts / Seconds;
    }

    public static int Run(string workDir, long smallRows, long largeRows, int window, int repeats)
    {
        // Two queues: one filled to largeRows first, one small; their windows then alternate (small, large, small, ...)
        // so that a slow patch of the shared disk lands on both sides instead of skewing the ratio.
        var large = Open(Path.Combine(workDir, "enqueue-large"), seed: 1);
        var fill = Stopwatch.StartNew();
        FastFill.Fill(large.Database, large.Rows, largeRows);
        Console.WriteLine($"   filled a queue to {large.Rows.Next:N0} rows in {fill.Elapsed.TotalSeconds:F1} s (fast path); queue.db {new FileInfo(large.Database.Path).Length / 1048576.0:F0} MB");
        var small = Open(Path.Combine(workDir, "enqueue-small"), seed: 2);
        WarmUp(large.Queue);
        WarmUp(small.Queue);

        var empty = Median(Enumerable.Range(0, Math.Min(repeats, 3)).Select(_ => Measured("empty", small, window)).ToList());
        fill.Restart();
        FastFill.Fill(small.Database, small.Rows, smallRows - small.Rows.Next);
        Console.WriteLine($"   filled the other queue to {small.Rows.Next:N0} rows in {fill.Elapsed.TotalSeconds:F1} s (fast path)");
        var smallWindows = new List<Window>();
        var largeWindows = new List<Window>();
        var pairRatios = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            smallWindows.Add(Measured("10k", small, window));
            largeWindows.Add(Measured("1M", large, window));
            pairRatios.Add(largeWindows[^1].InsertsPerSecond / smallWindows[^1].InsertsPerSecond);
        }
        large.Queue.Dispose();
        small.Queue.Dispose();

        var results = new[] { empty with { RowsBefore = 50 }, Median(smallWindows) with { RowsBefore = smallWindows[0].RowsBefore },
            Median(largeWindows) with { RowsBefore = largeWindows[0].RowsBefore } };
        var ratio = results[2].InsertsPerSecond / results[1].InsertsPerSecond;
        var cpuRatio = results[2].CpuMicrosPerInsert / results[1].CpuMicrosPerInsert;
        var pairs = string.Join(", ", pairRatios.Select(r => r.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
        Console.WriteLine($"   ratio of medians, inserts/s at {results[2].RowsBefore:N0}+ / at {results[1].RowsBefore:N0}+: {ratio:F2}  (pairwise: {pairs}; CPU per insert {cpuRatio:F2}x)");
        foreach (var w in results)
        {
            Console.WriteLine($"RESULT enqueue.{w.Name}.rows={w.RowsBefore}");
            Console.WriteLine($"RESULT enqueue.{w.Name}.ips={w.InsertsPerSecond:F0}");
            Console.WriteLine($"RESULT enqueue.{w.Name}.cpu_us={w.CpuMicrosPerInsert:F0}");
            Console.WriteLine($"RESULT enqueue.{w.Name}.p50_ms={w.P50Ms:F2}");
            Console.WriteLine($"RESULT enqueue.{w.Name}.p99_ms={w.P99Ms:F2}");
            Console.WriteLine($"RESULT enqueue.{w.Name}.fsync_ps={w.FsyncsPerSecond:F0}");
        }
        Console.WriteLine($"RESULT enqueue.ratio={ratio:F2}");
        Console.WriteLine($"RESULT enqueue.pair_ratios={pairs.Replace(" ", "", StringComparison.Ordinal)}");
        Console.WriteLine($"RESULT enqueue.cpu_ratio={cpuRatio:F2}");
        return 0;
    }

    private sealed record Bench(string DataDir, QueueDatabase Database, QueueStores Queue, RowFactory Rows);

    private static Bench Open(string dataDir, int seed)
    {
        Directory.CreateDirectory(dataDir);
        var database = new QueueDatabase(dataDir);
        database.Migrate();
        return new Bench(dataDir, database, new QueueStores(database, TimeProvider.System), new RowFactory(seed, RowFactory.NewPseudonymizer()));
    }

    /// <summary>Outside any window: JIT and the statement cache of the writer connection (50 rows of their own).</summary>
    private static void WarmUp(QueueStores queue)
    {
        var warm = new RowFactory(seed: 99, RowFactory.NewPseudonymizer());
        for (var i = 0; i < 50; i++)
        {
            var instance = warm.Create();
            queue.Intake.Enqueue(instance with { SopInstanceUid = "9." + instance.SopInstanceUid, LocalPath = "warm/" + instance.LocalPath });
        }
    }

    /// <summary>One window of Enqueue on <paramref name="bench"/>, after a sync and a 0.5 s fsync probe on its disk; printed.</summary>
    private static Window Measured(string name, Bench bench, int window)
    {
        // Flush every dirty page first (the fill's, the other queue's checkpoint) so that its write-back does not land in this window.
        using (var sync = Process.Start("sync")!) sync.WaitForExit();
        var fsyncs = FsyncProbe(bench.DataDir);
        var w = Measure(name, bench.Queue, bench.Rows, window, bench.Rows.Next + 50) with { FsyncsPerSecond = fsyncs };
        Console.WriteLine(Format(w));
        return w;
    }

    /// <summary>The window with the median inserts/s, with the median CPU per insert and fsync probe of the set.</summary>
    private static Window Median(List<Window> windows) => windows.OrderBy(w => w.InsertsPerSecond).ElementAt(windows.Count / 2) with
    {
        CpuMicrosPerInsert = windows.Select(w => w.CpuMicrosPerInsert).Order().ElementAt(windows.Count / 2),
        FsyncsPerSecond = windows.Select(w => w.FsyncsPerSecond).Order().ElementAt(windows.Count / 2),
    };

    /// <summary>fsyncs/s of a 4 KiB write + fsync loop for 0.5 s in the data folder.</summary>
    private static double FsyncProbe(string dataDir)
    {
        var path = Path.Combine(dataDir, "fsync-probe.tmp");
        var block = new byte[4096];
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            var clock = Stopwatch.StartNew();
            var n = 0;
            while (clock.Elapsed < TimeSpan.FromMilliseconds(500))
            {
                stream.Position = 0;
                stream.Write(block);
                stream.Flush(flushToDisk: true);
                n++;
            }
            var rate = n / clock.Elapsed.TotalSeconds;
            stream.Close();
            File.Delete(path);
            return rate;
        }
    }

    private static Window Measure(string name, QueueStores queue, RowFactory rows, int window, long rowsBefore)
    {
        var instances = new NewInstance[window];
        for (var i = 0; i < window; i++) instances[i] = rows.Create();
        var latencies = new double[window];
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < window; i++)
        {
            var t = Stopwatch.GetTimestamp();
            queue.Intake.Enqueue(instances[i]);
            latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        var seconds = total.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalMicroseconds / window;
        Array.Sort(latencies);
        return new Window(name, rowsBefore, window, seconds, cpu,
            latencies[window / 2], latencies[Math.Min(window - 1, (int)(window * 0.99))], latencies[^1]);
    }

    private static string Format(Window w) =>
        $"   window at {w.RowsBefore,9:N0} rows: {w.Inserts:N0} Enqueue in {w.Seconds:F2} s = {w.InsertsPerSecond,6:F0} inserts/s" +
        $"  [fsync probe {w.FsyncsPerSecond:F0}/s]  (latency p50 {w.P50Ms:F2} ms, p99 {w.P99Ms:F2} ms, max {w.MaxMs:F1} ms; CPU {w.CpuMicrosPerInsert:F0} us/insert)";
}
