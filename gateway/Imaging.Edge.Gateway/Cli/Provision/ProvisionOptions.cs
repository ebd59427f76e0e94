namespace Imaging.Edge.Gateway.Cli.Provision;

/// <summary>A secret for a credential file: the content of a file, or one line of standard input (<c>-</c>).</summary>
internal sealed record SecretSource(string? File)
{
    public static readonly SecretSource StandardInput = new((string?)null);

    public bool FromStandardInput => File is null;
}

/// <summary>An imaging device allowed to send: its AE title, and the address it must connect from (optional).</summary>
internal sealed record AllowedDevice(string AeTitle, string? Host)
{
    /// <summary><c>AE</c> or <c>AE@HOST</c>.</summary>
    public static AllowedDevice Parse(string text)
    {
        var at = text.LastIndexOf('@');
        var device = at < 0 ? new AllowedDevice(text, null) : new AllowedDevice(text[..at], text[(at + 1)..]);
        return device.AeTitle.Length == 0 || device.Host is { Length: 0 } ? throw new UsageException($"--device must be AE or AE@HOST (was '{text}')") : device;
    }
}

/// <summary>
/// What <c>imaging-edge provision</c> sets. Null: keep what the configuration file has (or ask, on a terminal).
/// Secrets never travel in here as text: only where to read them (<see cref="SecretSource"/>).
/// </summary>
internal sealed record ProvisionOptions
{
    public const string DefaultConfigFile = "/etc/imaging-edge/edge.json";

    public string ConfigFile { get; init; } = DefaultConfigFile;
    public string CredentialsDirectory { get; init; } = Doctor.CredentialFiles.DefaultDirectory;
    public bool Interactive { get; init; }
    public bool NoDoctor { get; init; }

    public string? Site { get; init; }
    public string? GatewayId { get; init; }
    public string? DataDir { get; init; }
    public string? AeTitle { get; init; }
    public int? Port { get; init; }
    public string? BindAddress { get; init; }

    /// <summary>When not empty, replaces the allowed devices (and unknown callers are refused).</summary>
    public IReadOnlyList<AllowedDevice> Devices { get; init; } = [];

    /// <summary>cos, aws, minio, s3rver or s3 (<see cref="DestinationPresets"/>).</summary>
    public string? Destination { get; init; }
    public string? Bucket { get; init; }
    public string? Region { get; init; }
    public string? Endpoint { get; init; }
    public bool? PathStyle { get; init; }
    public SecretSource? AccessKey { get; init; }
    public SecretSource? SecretKey { get; init; }

    public string? MqttHost { get; init; }
    public int? MqttPort { get; init; }
    public bool? MqttTls { get; init; }
    public string? MqttCaFile { get; init; }
    public string? MqttCertificateFile { get; init; }
    public string? MqttKeyFile { get; init; }
    public string? MqttUsername { get; init; }
    public SecretSource? MqttPassword { get; init; }
}
