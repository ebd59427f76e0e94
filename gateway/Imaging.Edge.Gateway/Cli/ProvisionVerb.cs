using System.CommandLine;
using Imaging.Edge.Gateway.Cli.Provision;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>imaging-edge provision [flags]</c>: the command (the work is in Cli/Provision). Secrets are never taken from the
/// command line (<c>/proc/PID/cmdline</c> is readable by every user): <c>--access-key -</c>, <c>--secret-key -</c> and
/// <c>--mqtt-password -</c> read standard input, one line each in that order; the <c>…-file</c> forms read a file. On a
/// terminal it asks for what the flags did not give, unless --non-interactive.
/// </summary>
internal static class ProvisionVerb
{
    public static Command Create()
    {
        var command = new Command("provision",
            "Set this box up: site and gateway id, DICOM AE title and port, the devices allowed to send, the upload " +
            "destination (cos, aws, minio, s3rver presets, or s3), its keys (written 0600 to the credentials folder, read " +
            "from standard input or a file, never from the command line), the MQTT broker. Writes the configuration " +
            "atomically, keeps a backup of the previous one, then runs doctor. Asks on a terminal for what the flags do not give.");
        var config = Add(command, CommonOptions.Config());
        var credentials = Text(command, "--credentials-dir", "DIR", "Where the credential files are written (default /etc/imaging-edge/credentials).");
        var site = Text(command, "--site", "ID", "Gateway:SiteId: the hospital site (letters, digits, '-', '_').");
        var gatewayId = Text(command, "--gateway-id", "ID", "Gateway:GatewayId: this box's name within the site.");
        var dataDir = Text(command, "--data-dir", "DIR", "Gateway:DataDir (default /var/lib/imaging-edge).");
        var aeTitle = Text(command, "--ae-title", "AE", "Dicom:AeTitle: the AE title the modalities call.");
        var port = Add(command, new Option<int?>("--port") { Description = "Dicom:Port (104 needs the packaged service's capability).", HelpName = "N" });
        var bindAddress = Text(command, "--bind-address", "IP", "Dicom:BindAddress (default 0.0.0.0).");
        var devices = Add(command, new Option<string[]>("--device")
        {
            Description = "A device allowed to send: its AE title, optionally @ the IP address it must come from. Repeat for each.",
            HelpName = "AE[@HOST]",
            AllowMultipleArgumentsPerToken = false,
        });
        var destination = Text(command, "--destination", "KIND", "cos (Tencent COS Hong Kong), aws, minio, s3rver or s3 (endpoint and region given).");
        var bucket = Text(command, "--bucket", "NAME", "Upload:S3:Bucket (COS: name-APPID).");
        var region = Text(command, "--region", "REGION", "Upload:S3:Region (presets fill it in).");
        var endpoint = Text(command, "--endpoint", "URL", "Upload:S3:ServiceUrl (presets fill it in).");
        var pathStyle = Add(command, new Option<bool>("--path-style") { Description = "Path-style bucket addressing (MinIO, s3rver)." });
        var accessKey = Text(command, "--access-key", "-", "'-': read the access key from standard input.");
        var accessKeyFile = Text(command, "--access-key-file", "FILE", "Read the access key from this file.");
        var secretKey = Text(command, "--secret-key", "-", "'-': read the secret key from standard input.");
        var secretKeyFile = Text(command, "--secret-key-file", "FILE", "Read the secret key from this file.");
        var mqttHost = Text(command, "--mqtt-host", "HOST", "Mqtt:Host: the operations broker.");
        var mqttPort = Add(command, new Option<int?>("--mqtt-port") { Description = "Mqtt:Port (1883, or 8883 with TLS).", HelpName = "N" });
        var mqttTls = Add(command, new Option<bool>("--mqtt-tls") { Description = "Mqtt:UseTls." });
        var mqttCa = Text(command, "--mqtt-ca-file", "FILE", "Mqtt:CaFile: the broker's private CA (PEM).");
        var mqttCert = Text(command, "--mqtt-cert-file", "FILE", "Mqtt:ClientCertificateFile (PEM).");
        var mqttKey = Text(command, "--mqtt-key-file", "FILE", "Mqtt:ClientKeyFile (PEM).");
        var mqttUser = Text(command, "--mqtt-username", "NAME", "Mqtt:Username.");
        var mqttPassword = Text(command, "--mqtt-password", "-", "'-': read the broker password from standard input.");
        var mqttPasswordFile = Text(command, "--mqtt-password-file", "FILE", "Read the broker password from this file.");
        var noDoctor = Add(command, new Option<bool>("--no-doctor") { Description = "Do not run doctor afterwards." });
        var nonInteractive = Add(command, new Option<bool>("--non-interactive") { Description = "Never ask; use only the flags and the existing configuration." });

        command.SetAction((parse, cancellationToken) =>
        {
            var options = new ProvisionOptions
            {
                ConfigFile = parse.GetValue(config) ?? ProvisionOptions.DefaultConfigFile,
                CredentialsDirectory = parse.GetValue(credentials) ?? Doctor.CredentialFiles.DefaultDirectory,
                Interactive = !parse.GetValue(nonInteractive) && !Console.IsInputRedirected && !Console.IsOutputRedirected,
                NoDoctor = parse.GetValue(noDoctor),
                Site = parse.GetValue(site),
                GatewayId = parse.GetValue(gatewayId),
                DataDir = parse.GetValue(dataDir),
                AeTitle = parse.GetValue(aeTitle),
                Port = parse.GetValue(port),
                BindAddress = parse.GetValue(bindAddress),
                Devices = [.. (parse.GetValue(devices) ?? []).Select(AllowedDevice.Parse)],
                Destination = parse.GetValue(destination),
                Bucket = parse.GetValue(bucket),
                Region = parse.GetValue(region),
                Endpoint = parse.GetValue(endpoint),
                PathStyle = parse.GetValue(pathStyle) ? true : null,
                AccessKey = Secret("access-key", parse.GetValue(accessKey), parse.GetValue(accessKeyFile)),
                SecretKey = Secret("secret-key", parse.GetValue(secretKey), parse.GetValue(secretKeyFile)),
                MqttHost = parse.GetValue(mqttHost),
                MqttPort = parse.GetValue(mqttPort),
                MqttTls = parse.GetValue(mqttTls) ? true : null,
                MqttCaFile = parse.GetValue(mqttCa),
                MqttCertificateFile = parse.GetValue(mqttCert),
                MqttKeyFile = parse.GetValue(mqttKey),
                MqttUsername = parse.GetValue(mqttUser),
                MqttPassword = Secret("mqtt-password", parse.GetValue(mqttPassword), parse.GetValue(mqttPasswordFile)),
            };
            return Provisioner.RunAsync(options, Console.In, Console.Out, cancellationToken);
        });
        return command;
    }

    private static T Add<T>(Command command, T option) where T : Option
    {
        command.Options.Add(option);
        return option;
    }

    private static Option<string?> Text(Command command, string name, string helpName, string description) =>
        Add(command, new Option<string?>(name) { Description = description, HelpName = helpName });

    /// <summary><c>--NAME -</c> (standard input) or <c>--NAME-file FILE</c>; a secret written in argv is refused.</summary>
    private static SecretSource? Secret(string name, string? value, string? file)
    {
        if (file is not null)
            return new SecretSource(file);
        return value switch
        {
            null => null,
            "-" => SecretSource.StandardInput,
            _ => throw new UsageException($"--{name} takes '-' and reads the secret from standard input (a secret in the command line is visible to every user in /proc); or use --{name}-file FILE"),
        };
    }
}
