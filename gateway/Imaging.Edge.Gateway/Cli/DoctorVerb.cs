using Imaging.Edge.Gateway.Cli.Doctor;

namespace Imaging.Edge.Gateway.Cli;

/// <summary><c>imaging-edge doctor [--config FILE] [--json] [--credentials-dir DIR]</c>: the thin entry; the checks are in Cli/Doctor.</summary>
internal static class DoctorVerb
{
    /// <summary>Where the package installs the configuration; doctor reads it when no --config is given and it exists.</summary>
    public const string InstalledConfigFile = "/etc/imaging-edge/edge.json";

    public static Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var arguments = Arguments.Parse(args, valued: new HashSet<string> { "config", "credentials-dir" }, flags: new HashSet<string> { "json" });
        if (arguments.Positional.Count > 0)
            throw new UsageException("usage: imaging-edge doctor [--config FILE] [--json] [--credentials-dir DIR]");
        var config = arguments.Option("config") ?? (File.Exists(InstalledConfigFile) ? InstalledConfigFile : null);
        return DoctorChecklist.RunAsync(new DoctorOptions(config, arguments.Flag("json"), arguments.Option("credentials-dir")), Console.Out, cancellationToken);
    }
}
