using System.Diagnostics;

namespace Imaging.Edge.CloudSync.Tests.Tracing;

/// <summary>
/// strace attached to this test process (all threads, <c>-f -y</c>: file descriptors printed with their paths), for
/// tests that must see the real system calls a store makes and their order. Lines are in the order the kernel
/// reported them. Needs strace (tests/peers/install.sh installs it) and permission to trace this process.
/// </summary>
internal sealed class SyscallTrace : IAsyncDisposable
{
    private const string Calls = "fsync,fdatasync,rename,renameat,renameat2,openat,mkdir,mkdirat,unlink,unlinkat";
    private readonly Process _strace;
    private readonly string _output;
    private bool _stopped;

    private SyscallTrace(Process strace, string output)
    {
        _strace = strace;
        _output = output;
    }

    /// <summary>Starts strace and returns once it demonstrably sees this process's system calls.</summary>
    public static async Task<SyscallTrace> StartAsync(string workFolder)
    {
        var output = Path.Combine(workFolder, "strace.out");
        ProcessStartInfo start;
        try
        {
            start = new ProcessStartInfo("strace") { RedirectStandardError = true, RedirectStandardOutput = true };
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("strace is needed (apt-get install strace)", e);
        }
        foreach (var argument in new[] { "-f", "-y", "-e", "trace=" + Calls, "-o", output, "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        Process strace;
        try
        {
            strace = Process.Start(start) ?? throw new InvalidOperationException("strace did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("strace is needed (apt-get install strace)", e);
        }
        var trace = new SyscallTrace(strace, output);
        // Attached once a marker open of this process shows up in the trace.
        var marker = Path.Combine(workFolder, "strace-ready-" + Guid.NewGuid().ToString("N"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(File.Exists(output) && (await ReadSharedAsync(output)).Contains(marker, StringComparison.Ordinal)))
        {
            if (strace.HasExited)
                throw new InvalidOperationException($"strace exited ({strace.ExitCode}): {await strace.StandardError.ReadToEndAsync()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("strace did not attach within 30 s");
            TryOpen(marker);
            await Task.Delay(50);
        }
        return trace;
    }

    /// <summary>Opens (and fails to find) a file named <paramref name="marker"/>: a point in time visible in the trace.</summary>
    public static void TryOpen(string marker)
    {
        try
        {
            using var _ = File.OpenRead(marker);
        }
        catch (FileNotFoundException)
        {
        }
    }

    /// <summary>Detaches strace (SIGINT) and returns every traced line.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            using (var kill = Process.Start("kill", ["-INT", _strace.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            await _strace.WaitForExitAsync();
        }
        return (await ReadSharedAsync(_output)).Split('\n');
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _strace.Dispose();
    }
}
