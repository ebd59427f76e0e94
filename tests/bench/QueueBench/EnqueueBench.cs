using System.Diagnostics;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Bench.Queue;

/// <summary>
/// (a) Enqueue cost from an empty queue to a large one. Windows of <c>window</c> inserts go through
/// <see cref="InstanceQueue.Enqueue"/> exactly as the intake calls it (one transaction and one fsync'd commit per
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
        var dataDir = Path.Combine(workDir, "enqueue");
        Directory.CreateDirectory(dataDir);
        var database = new QueueDatabase(dataDir);
        database.Migrate();
        var rows = new RowFactory(seed: 1, RowFactory.NewPseudonymizer());
        using var queue = new InstanceQueue(database, TimeProvider.System);

        // Warm-up outside any window: JIT and the statement cache of the writer connection.
        var warm = new RowFactory(seed: 99, RowFactory.NewPseudonymizer());
        for (var i = 0; i < 50; i++)
        {
            var instance = warm.Create();
            queue.Enqueue(instance with { SopInstanceUid = "9." + instance.SopInstanceUid, LocalPath = "warm/" + instance.LocalPath });
        }

        var results = new List<Window> { MeasureMedian("empty", queue, rows, window, repeats, dataDir) };

        var fill = Stopwatch.StartNew();
        FastFill.Fill(database, rows, smallRows - rows.Next);
        Console.WriteLine($"   filled to {rows.Next:N0} rows in {fill.Elapsed.TotalSeconds:F1} s (fast path)");
        results.Add(MeasureMedian("10k", queue, rows, window, repeats, dataDir));

        fill.Restart();
        var target = largeRows;
        FastFill.Fill(database, rows, target - rows.Next);
        Console.WriteLine($"   filled to {rows.Next:N0} rows in {fill.Elapsed.TotalSeconds:F1} s (fast path); queue.db {new FileInfo(database.Path).Length / 1048576.0:F0} MB");
        results.Add(MeasureMedian("1M", queue, rows, window, repeats, dataDir));

        var small = results[1];
        var large = results[2];
        var ratio = large.InsertsPerSecond / small.InsertsPerSecond;
        var cpuRatio = large.CpuMicrosPerInsert / small.CpuMicrosPerInsert;
        Console.WriteLine($"   ratio inserts/s at {large.RowsBefore:N0} / at {small.RowsBefore:N0}: {ratio:F2}   (CPU per insert: {cpuRatio:F2}x)");
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
        Console.WriteLine($"RESULT enqueue.cpu_ratio={cpuRatio:F2}");
        return 0;
    }

    /// <summary><paramref name="repeats"/> consecutive windows (each preceded by a 0.5 s fsync probe); the median one by inserts/s.</summary>
    private static Window MeasureMedian(string name, InstanceQueue queue, RowFactory rows, int window, int repeats, string dataDir)
    {
        var windows = new List<Window>();
        for (var i = 0; i < repeats; i++)
        {
            var fsyncs = FsyncProbe(dataDir);
            var w = Measure(name, queue, rows, window, rows.Next + 50) with { FsyncsPerSecond = fsyncs };
            Console.WriteLine(Format(w));
            windows.Add(w);
        }
        return windows.OrderBy(w => w.InsertsPerSecond).ElementAt(windows.Count / 2);
    }

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

    private static Window Measure(string name, InstanceQueue queue, RowFactory rows, int window, long rowsBefore)
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
            queue.Enqueue(instances[i]);
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
