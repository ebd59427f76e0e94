using System.Diagnostics;
using System.Text;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// storescu -v running in the background, its log read line by line as it comes, so that a test can act at a moment
/// of the transfer (for example, kill the receiver once the first file is on its way).
/// </summary>
internal sealed class KillStorescu : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _firstFileSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private KillStorescu(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>storescu -v</c> with the given arguments (TCP_NODELAY set, as for every dcmtk peer here).</summary>
    public static KillStorescu Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("storescu")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-v");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["TCP_NODELAY"] = "1";
        return new KillStorescu(Process.Start(start) ?? throw new InvalidOperationException("cannot start storescu"));
    }

    /// <summary>Completes when storescu logs its first "Sending file", or when it exits without one.</summary>
    public Task FirstFileSent => _firstFileSent.Task;

    public async Task<ProcessResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"storescu did not finish within {timeout}:\n{Output}");
        }
        _process.WaitForExit(); // drains the output handlers
        _firstFileSent.TrySetResult();
        return new ProcessResult(_process.ExitCode, "", Output);
    }

    private string Output { get { lock (_output) return _output.ToString(); } }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output) _output.AppendLine(line);
        if (line.StartsWith("I: Sending file: ", StringComparison.Ordinal)) _firstFileSent.TrySetResult();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
