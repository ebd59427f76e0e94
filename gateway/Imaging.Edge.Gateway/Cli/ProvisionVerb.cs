using System.Globalization;
using Imaging.Edge.Gateway.Cli.Provision;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>imaging-edge provision [flags]</c>: the thin entry (the work is in Cli/Provision). Secrets are never taken
/// from the command line (<c>/proc/PID/cmdline</c> is readable by every user): <c>--access-key -</c>,
/// <c>--secret-key -</c> and <c>--mqtt-password -</c> read standard input, one line each in that order; the
/// <c>…-file</c> forms read a file. On a terminal it asks for what the flags did not give, unless --non-interactive.
/// </summary>
internal static class ProvisionVerb
{
    private const string UsageText = "usage: imaging-edge provision [--config FILE] [--credentials-dir DIR] [--site ID] [--gateway-id ID] [--data-dir DIR] " +
        "[--ae-title AE] [--port N] [--bind-address IP] [--device AE[@HOST]]... [--destination cos|aws|minio|s3rver|s3] [--bucket NAME] [--region R] " +
        "[--endpoint URL] [--path-style] [--access-key -|--access-key-file FILE] [--secret-key -|--secret-key-file FILE] [--mqtt-host HOST] [--mqtt-port N] " +
        "[--mqtt-tls] [--mqtt-ca-file FILE] [--mqtt-cert-file FILE] [--mqtt-key-file FILE] [--mqtt-username NAME] [--mqtt-password -|--mqtt-password-file FILE] " +
        "[--no-doctor] [--non-interactive]";

    private static readonly HashSet<string> Valued =
    [
        "config", "credentials-dir", "site", "gateway-id", "data-dir", "ae-title", "port", "bind-address", "destination", "bucket", "region", "endpoint",
        "access-key", "access-key-file", "secret-key", "secret-key-file", "mqtt-host", "mqtt-port", "mqtt-ca-file", "mqtt-cert-file", "mqtt-key-file",
        "mqtt-username", "mqtt-password", "mqtt-password-file",
    ];

    private static readonly HashSet<string> Flags = ["path-style", "mqtt-tls", "no-doctor", "non-interactive"];

    public static Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // --device may be given many times; Arguments keeps one value per option, so the devices are taken out first.
        var devices = new List<AllowedDevice>();
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--device")
                devices.Add(AllowedDevice.Parse(i + 1 < args.Count ? args[++i] : throw new UsageException("--device needs a value")));
            else
                rest.Add(args[i]);
        }
        var arguments = Arguments.Parse(rest, Valued, Flags);
        if (arguments.Positional.Count > 0)
            throw new UsageException(UsageText);
        var options = new ProvisionOptions
        {
            ConfigFile = arguments.Option("config") ?? ProvisionOptions.DefaultConfigFile,
            CredentialsDirectory = arguments.Option("credentials-dir") ?? Doctor.CredentialFiles.DefaultDirectory,
            Interactive = !arguments.Flag("non-interactive") && !Console.IsInputRedirected && !Console.IsOutputRedirected,
            NoDoctor = arguments.Flag("no-doctor"),
            Site = arguments.Option("site"),
            GatewayId = arguments.Option("gateway-id"),
            DataDir = arguments.Option("data-dir"),
            AeTitle = arguments.Option("ae-title"),
            Port = Number(arguments, "port"),
            BindAddress = arguments.Option("bind-address"),
            Devices = devices,
            Destination = arguments.Option("destination"),
            Bucket = arguments.Option("bucket"),
            Region = arguments.Option("region"),
            Endpoint = arguments.Option("endpoint"),
            PathStyle = arguments.Flag("path-style") ? true : null,
            AccessKey = Secret(arguments, "access-key"),
            SecretKey = Secret(arguments, "secret-key"),
            MqttHost = arguments.Option("mqtt-host"),
            MqttPort = Number(arguments, "mqtt-port"),
            MqttTls = arguments.Flag("mqtt-tls") ? true : null,
            MqttCaFile = arguments.Option("mqtt-ca-file"),
            MqttCertificateFile = arguments.Option("mqtt-cert-file"),
            MqttKeyFile = arguments.Option("mqtt-key-file"),
            MqttUsername = arguments.Option("mqtt-username"),
            MqttPassword = Secret(arguments, "mqtt-password"),
        };
        return Provisioner.RunAsync(options, Console.In, Console.Out, cancellationToken);
    }

    /// <summary><c>--NAME -</c> (standard input) or <c>--NAME-file FILE</c>; a secret written in argv is refused.</summary>
    private static SecretSource? Secret(Arguments arguments, string name)
    {
        if (arguments.Option(name + "-file") is { } file)
            return new SecretSource(file);
        return arguments.Option(name) switch
        {
            null => null,
            "-" => SecretSource.StandardInput,
            _ => throw new UsageException($"--{name} takes '-' and reads the secret from standard input (a secret in the command line is visible to every user in /proc); or use --{name}-file FILE"),
        };
    }

    private static int? Number(Arguments arguments, string name) =>
        arguments.Option(name) is not { } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
        : throw new UsageException($"--{name} must be a number (was '{text}')");
}
