using System.CommandLine;
using Imaging.Edge.Gateway.Cli.Doctor;

namespace Imaging.Edge.Gateway.Cli;

/// <summary><c>imaging-edge doctor [--config FILE] [--json] [--credentials-dir DIR]</c>: the command; the checks are in Cli/Doctor.</summary>
internal static class DoctorVerb
{
    /// <summary>Where the package installs the configuration; doctor reads it when no --config is given and it exists.</summary>
    public const string InstalledConfigFile = "/etc/imaging-edge/edge.json";

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var credentials = new Option<string?>("--credentials-dir")
        {
            Description = "Where the credential files are (default: $CREDENTIALS_DIRECTORY under the service, else /etc/imaging-edge/credentials).",
            HelpName = "DIR",
        };
        var command = new Command("doctor",
            "Check that this box will work, one line each with a fix hint: configuration, credentials, DICOM port, serial " +
            "ports and profiles, the bucket (write, read, delete a probe; upload rate), clock skew against the S3 server, " +
            "the MQTT broker, free disk, the service. Without --config: " + InstalledConfigFile + " when it exists. " +
            "Exit 1 when a check fails.")
        {
            config,
            json,
            credentials,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var file = parse.GetValue(config) ?? (File.Exists(InstalledConfigFile) ? InstalledConfigFile : null);
            return DoctorChecklist.RunAsync(new DoctorOptions(file, parse.GetValue(json), parse.GetValue(credentials)), Console.Out, cancellationToken);
        });
        return command;
    }
}
