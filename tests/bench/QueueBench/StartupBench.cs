using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Imaging.Edge.Gateway.Recovery;

namespace Imaging.Edge.Bench.Queue;

/// <summary>
/// (b) Start-up with a large pending queue: a data folder whose rows all have their file (and no file lacks its row),
/// then (1) in-process, the steps <c>imaging-edge run</c> takes before it opens its port (EnsureCreated, Migrate, site
/// secret, QueueStores, QueueRecovery.Run, Stats), with a breakdown of recovery; (2) end-to-end, the Release
/// executable started on that folder until its port accepts a TCP connection, against an empty folder as baseline.
/// </summary>
internal static class StartupBench
{
    private const int FileBytes = 1024;

    public static int Run(string workDir, long pendingRows, string? exe, int runs)
    {
        var dataDir = Path.Combine(workDir, "startup");
        Build(dataDir, pendingRows);

        // (1) in-process, as the host does it (GatewayHost: storage, then StartupRecovery before any receiver starts).
        var inProcess = new List<Steps>();
        for (var i = 0; i < runs; i++)
        {
            SqliteConnection.ClearAllPools();
            var steps = InProcess(dataDir);
            inProcess.Add(steps);
            Console.WriteLine($"   in-process run {i + 1}: {steps}");
            if (steps.Pending != pendingRows || steps.Failed != 0 || steps.Report.FilesIndexed != 0)
            {
                Console.Error.WriteLine($"startup: recovery disagrees with the folder built: {steps.Report}, pending {steps.Pending}");
                return 1;
            }
        }
        SqliteConnection.ClearAllPools();
        Breakdown(dataDir, "warm: after the runs above");

        var first = inProcess[0].Total;
        var median = Median(inProcess.Select(s => s.Total));
        Console.WriteLine($"RESULT startup.rows={pendingRows}");
        Console.WriteLine($"RESULT startup.inproc.first_s={first:F3}");
        Console.WriteLine($"RESULT startup.inproc.median_s={median:F3}");
        Console.WriteLine($"RESULT startup.inproc.recovery_median_s={Median(inProcess.Select(s => s.Recovery)):F3}");

        if (exe is null) return 0;
        // (2) end-to-end, empty and full folders interleaved.
        var empty = new List<double>();
        var full = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var emptyDir = Path.Combine(workDir, $"empty-{i}");
            Directory.CreateDirectory(emptyDir);
            var e = EndToEnd(exe, emptyDir, workDir);
            if (e is null) return 1;
            empty.Add(e.Value);
            var f = EndToEnd(exe, dataDir, workDir);
            if (f is null) return 1;
            full.Add(f.Value);
            Console.WriteLine($"   end-to-end run {i + 1}: empty folder {e:F3} s, {pendingRows:N0} pending {f:F3} s");
        }
        Console.WriteLine($"RESULT startup.e2e.empty_s={Median(empty):F3}");
        Console.WriteLine($"RESULT startup.e2e.full_s={Median(full):F3}");
        Console.WriteLine($"RESULT startup.e2e.extra_s={Median(full) - Median(empty):F3}");
        return 0;
    }

    public static void Build(string dataDir, long pendingRows)
    {
        var clock = Stopwatch.StartNew();
        var layout = new DataLayout(dataDir);
        layout.EnsureCreated();
        var database = new QueueDatabase(dataDir);
        database.Migrate();
        var content = new byte[FileBytes];
        new Random(7).NextBytes(content);
        string? lastStudy = null;
        FastFill.Fill(database, new RowFactory(seed: 2, RowFactory.NewPseudonymizer()), pendingRows, instance =>
        {
            if (instance.StudyUid != lastStudy)
            {
                Directory.CreateDirectory(layout.StudyDirectory(instance.StudyUid));
                lastStudy = instance.StudyUid;
            }
            File.WriteAllBytes(layout.Absolute(instance.LocalPath), content);
        });
        SqliteConnection.ClearAllPools();
        Console.WriteLine($"   built {dataDir}: {pendingRows:N0} pending rows and their {FileBytes}-byte files in {clock.Elapsed.TotalSeconds:F1} s; queue.db {new FileInfo(database.Path).Length / 1048576.0:F0} MB");
    }

    private sealed record Steps(double Prepare, double Migrate, double Queue, double Recovery, double Stats, long Pending, long Failed, QueueRecovery.Report Report)
    {
        public double Total => Prepare + Migrate + Queue + Recovery + Stats;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"total {Total:F3} s = folders+secret {Prepare:F3} + Migrate {Migrate:F3} + QueueStores {Queue:F3} + QueueRecovery.Run {Recovery:F3} + Stats {Stats:F3}  ({Pending:N0} pending)");
    }

    private static Steps InProcess(string dataDir)
    {
        var t = Stopwatch.StartNew();
        var layout = new DataLayout(dataDir);
        layout.EnsureCreated();
        var pseudonymizer = new Pseudonymizer(SiteSecret.Load(null, layout.Root));
        var prepare = Lap(t);
        var database = new QueueDatabase(layout.Root);
        database.Migrate();
        var migrate = Lap(t);
        using var queue = new QueueStores(database, TimeProvider.System);
        var open = Lap(t);
        var report = new QueueRecovery(layout, queue.Leases, queue.Queries, queue.Intake, pseudonymizer, NullLogger<QueueRecovery>.Instance).Run();
        var recovery = Lap(t);
        var stats = queue.Queries.Stats();
        var statsTime = Lap(t);
        return new Steps(prepare, migrate, open, recovery, statsTime, stats.Pending, stats.Failed, report);
    }

    /// <summary>QueueRecovery.Run's steps one by one, with the same calls it makes (its private steps re-enacted).</summary>
    public static void Breakdown(string dataDir, string when)
    {
        var layout = new DataLayout(dataDir);
        var database = new QueueDatabase(layout.Root);
        database.Migrate();
        using var queue = new QueueStores(database, TimeProvider.System);
        var t = Stopwatch.StartNew();
        var spool = Directory.EnumerateFiles(layout.Spool, "*" + DataLayout.SpoolExtension).Count();
        var tSpool = Lap(t);
        var leases = queue.Leases.ReleaseAllLeases();
        var tLeases = Lap(t);
        var prefix = layout.Root.Length + 1;
        var onDisk = Directory.EnumerateFiles(layout.Studies, "*.dcm", SearchOption.AllDirectories).Select(p => p[prefix..]).ToHashSet(StringComparer.Ordinal);
        var tWalk = Lap(t);
        var rows = queue.Queries.PathsAndStates();
        var tQuery = Lap(t);
        var missing = rows.Count(r => r.State != "uploaded" && !onDisk.Contains(r.LocalPath));
        var known = rows.Select(r => r.LocalPath).ToHashSet(StringComparer.Ordinal);
        var orphans = onDisk.Count(p => !known.Contains(p));
        var tMatch = Lap(t);
        Console.WriteLine($"   recovery breakdown ({when}; same calls as QueueRecovery.Run):");
        Console.WriteLine($"     spool scan                          {tSpool:F3} s  ({spool} spool files)");
        Console.WriteLine($"     ReleaseAllLeases                    {tLeases:F3} s  ({leases} leases)");
        Console.WriteLine($"     walk studies/**/*.dcm into a set    {tWalk:F3} s  ({onDisk.Count:N0} files)");
        Console.WriteLine($"     PathsAndStates (one query)          {tQuery:F3} s  ({rows.Count:N0} rows)");
        Console.WriteLine($"     match rows and files                {tMatch:F3} s  ({missing} missing, {orphans} orphans)");
        Console.WriteLine($"RESULT startup.step.spool_s={tSpool:F3}");
        Console.WriteLine($"RESULT startup.step.leases_s={tLeases:F3}");
        Console.WriteLine($"RESULT startup.step.walk_s={tWalk:F3}");
        Console.WriteLine($"RESULT startup.step.rows_query_s={tQuery:F3}");
        Console.WriteLine($"RESULT startup.step.match_s={tMatch:F3}");
    }

    /// <summary>Seconds from process start until 127.0.0.1:port accepts a TCP connection; null on failure.</summary>
    private static double? EndToEnd(string exe, string dataDir, string workDir)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(exe, ["run"])
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["IMAGING_EDGE__Gateway__DataDir"] = dataDir;
        start.Environment["IMAGING_EDGE__Dicom__Port"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1";
        var log = new List<string>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add($"+{clock.Elapsed.TotalSeconds:F3}s {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add($"+{clock.Elapsed.TotalSeconds:F3}s ERR {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        double? seconds = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) break;
            if (Accepts(port))
            {
                seconds = clock.Elapsed.TotalSeconds;
                break;
            }
            Thread.Sleep(2);
        }
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        if (!process.WaitForExit(30_000)) process.Kill();
        process.WaitForExit();
        if (seconds is null || Environment.GetEnvironmentVariable("BENCH_VERBOSE") == "1")
        {
            Console.Error.WriteLine(seconds is null ? $"startup: {exe} run on {dataDir} never accepted on port {port}; its output:" : $"   output of {exe} run on {dataDir}:");
            lock (log) foreach (var line in log.TakeLast(40)) Console.Error.WriteLine("     " + line);
        }
        return seconds;
    }

    private static bool Accepts(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Lap(Stopwatch stopwatch)
    {
        var seconds = stopwatch.Elapsed.TotalSeconds;
        stopwatch.Restart();
        return seconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
