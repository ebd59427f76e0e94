using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Doctor;

/// <summary>The real executable run as a field engineer runs it, with standard input (secrets are piped, never in argv).</summary>
internal static class EdgeCli
{
    public static Task<ProcessResult> RunAsync(string workingDirectory, string? standardInput, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        RunProgramAsync("dotnet", [GatewayProcess.ExecutablePath, .. arguments], workingDirectory, standardInput, environment);

    /// <summary>
    /// The executable on a terminal: <c>script</c> (util-linux) runs it on a pseudo-terminal and types
    /// <paramref name="typed"/> into it, as an engineer at the keyboard would.
    /// </summary>
    public static Task<ProcessResult> RunOnTerminalAsync(string workingDirectory, string typed, params string[] arguments) =>
        RunProgramAsync("script", ["-qec", string.Join(' ', new[] { "dotnet", GatewayProcess.ExecutablePath }.Concat(arguments).Select(Quote)), "/dev/null"],
            workingDirectory, typed, null);

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task<ProcessResult> RunProgramAsync(string fileName, IReadOnlyList<string> arguments, string workingDirectory, string? standardInput,
        IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("CREDENTIALS_DIRECTORY");
        start.Environment.Remove("INVOCATION_ID");
        start.Environment.Remove("NOTIFY_SOCKET");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start imaging-edge");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary><c>doctor --json</c>'s checks by name, each as (result, detail, hint).</summary>
    public static Dictionary<string, (string Result, string Detail, string Hint)> Checks(ProcessResult doctor)
    {
        var document = JsonNode.Parse(doctor.StandardOutput) ?? throw new InvalidOperationException(doctor.Output);
        Assert.Equal(1, (int)document["schemaVersion"]!);
        return document["checks"]!.AsArray().ToDictionary(
            c => (string)c!["name"]!,
            c => ((string)c!["result"]!, (string)c["detail"]!, (string)c["hint"]!),
            StringComparer.Ordinal);
    }
}
