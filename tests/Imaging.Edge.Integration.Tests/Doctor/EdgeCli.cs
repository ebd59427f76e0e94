using System.Text.Json.Nodes;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Doctor;

/// <summary>The real executable run as a field engineer runs it, with standard input (secrets are piped, never in argv).</summary>
internal static class EdgeCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    // Not under systemd: a CREDENTIALS_DIRECTORY the test runner inherited must not stand in for the folder the test chose.
    private static readonly Dictionary<string, string> NoSystemd = new() { ["CREDENTIALS_DIRECTORY"] = "" };

    public static Task<ProcessResult> RunAsync(string workingDirectory, string? standardInput, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, .. arguments], Timeout, NoSystemd, workingDirectory, standardInput ?? "");

    /// <summary>
    /// The executable on a terminal: <c>script</c> (util-linux) runs it on a pseudo-terminal and types
    /// <paramref name="typed"/> into it, as an engineer at the keyboard would.
    /// </summary>
    public static Task<ProcessResult> RunOnTerminalAsync(string workingDirectory, string typed, params string[] arguments) =>
        ProcessRunner.RunAsync("script", ["-qec", string.Join(' ', new[] { "dotnet", GatewayProcess.ExecutablePath }.Concat(arguments).Select(Quote)), "/dev/null"],
            Timeout, NoSystemd, workingDirectory, typed);

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

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
