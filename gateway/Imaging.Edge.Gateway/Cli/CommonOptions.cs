using System.CommandLine;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>The options several commands share, spelled and described once.</summary>
internal static class CommonOptions
{
    /// <summary><c>--config FILE</c>: every command that reads the configuration takes it (recursive: also after a sub-command).</summary>
    public static Option<string?> Config() => new("--config")
    {
        Description = "The configuration file (JSON), as the service uses (/etc/imaging-edge/edge.json on a box). " +
                      "Without it: the embedded defaults. IMAGING_EDGE__Section__Key environment variables override either.",
        HelpName = "FILE",
        Recursive = true,
    };

    /// <summary><c>--json</c>: one indented document with <c>schemaVersion</c> and camelCase names, for scripts and remote support.</summary>
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON document instead of text (for scripts and remote support).",
        Recursive = true,
    };
}
