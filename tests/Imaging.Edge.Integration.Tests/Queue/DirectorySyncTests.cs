using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Queue;

/// <summary>
/// What SIGKILL cannot show: the directory entries an acknowledged file depends on must be fsynced before the ack,
/// even when the study folder already existed. The real gateway runs under strace (-y names each fsync'd folder).
/// </summary>
public sealed partial class DirectorySyncTests
{
    [Fact]
    public async Task Study_folder_left_by_a_killed_run_is_made_durable_before_an_instance_in_it_is_acknowledged()
    {
        using var folder = new TemporaryDirectory();
        var file = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("sources"), 1)[0];
        var layout = new DataLayout(folder.Combine("data"));
        // A run killed between mkdir(studies/{study}) and fsync(studies/) leaves the folder in the page cache only:
        // a power cut a few seconds later may still drop its entry, and every file acknowledged in it with it.
        Directory.CreateDirectory(layout.StudyDirectory(StudyUidOf(file)));
        var trace = folder.Combine("strace.txt");
        var port = GatewayProcess.FreePort();

        var start = new ProcessStartInfo("strace") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-f", "-y", "-qq", "-e", "trace=mkdir,mkdirat,fsync,fdatasync,rename,renameat,renameat2", "-o", trace,
                     "dotnet", GatewayProcess.ExecutablePath, "run"])
            start.ArgumentList.Add(argument);
        start.Environment["IMAGING_EDGE__Gateway__DataDir"] = layout.Root;
        start.Environment["IMAGING_EDGE__Dicom__Port"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1";
        start.Environment["IMAGING_EDGE__Logging__LogLevel__Default"] = "Warning";
        using var strace = Process.Start(start)!;
        strace.OutputDataReceived += (_, _) => { };
        strace.ErrorDataReceived += (_, _) => { };
        strace.BeginOutputReadLine();
        strace.BeginErrorReadLine();
        try
        {
            await WaitForPortAsync(port, strace);
            var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), file]);
            Assert.True(store.ExitCode == 0, store.Output);
        }
        finally
        {
            var gateway = File.ReadAllText(Path.Combine("/proc", strace.Id.ToString(CultureInfo.InvariantCulture), "task",
                strace.Id.ToString(CultureInfo.InvariantCulture), "children")).Trim();
            if (gateway.Length > 0)
                using (var term = Process.Start("kill", ["-TERM", gateway.Split(' ')[0]])) await term.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await strace.WaitForExitAsync(cts.Token);
        }

        var lines = File.ReadAllLines(trace);
        var studies = layout.Studies;
        var renameInto = lines.Select((line, index) => (line, index))
            .First(l => l.line.Contains(" rename", StringComparison.Ordinal) && l.line.Contains(studies + "/", StringComparison.Ordinal)).index;
        var studiesSynced = lines.Take(renameInto).Any(l => FsyncOf().Match(l) is { Success: true } m && m.Groups["path"].Value == studies);
        Assert.True(studiesSynced,
            $"the instance was renamed into {Path.GetRelativePath(layout.Root, layout.StudyDirectory(StudyUidOf(file)))} and acknowledged, " +
            "but studies/ was never fsynced in this run, so that folder's entry may not be on disk: SpoolFile.CompleteAsync syncs " +
            "studies/ only when it creates the study folder itself. Trace:\n" +
            string.Join("\n", lines.Where(l => l.Contains(layout.Root, StringComparison.Ordinal))));
    }

    [GeneratedRegex(@"fsync\(\d+<(?<path>[^>]+)>\)")]
    private static partial Regex FsyncOf();

    private static string StudyUidOf(string part10)
    {
        var (meta, dataSet) = CorpusFiles.Read(part10);
        Assert.True(TransferSyntax.TryGet(meta.TransferSyntaxUid, out var syntax));
        var scanner = new DataSetScanner(syntax);
        scanner.Feed(dataSet);
        return scanner.Finish().StudyInstanceUid!;
    }

    private static async Task WaitForPortAsync(int port, Process process)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            Assert.False(process.HasExited, "imaging-edge under strace exited before listening");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        Assert.Fail($"imaging-edge under strace did not listen on {port}");
    }
}
