namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Section <c>Upload</c>: where received instances go and how fast.</summary>
internal sealed class UploadOptions
{
    public const string Section = "Upload";

    /// <summary>Empty: the file-system store in <c>{DataDir}/cloud</c>. <c>file:PATH</c>: a folder. <c>s3</c>: <see cref="S3"/> (and <see cref="BackupS3"/>).</summary>
    public string Destination { get; set; } = "";

    public S3EndpointOptions? S3 { get; set; }
    public S3EndpointOptions? BackupS3 { get; set; }

    /// <summary><c>Failover</c>: the backup takes over while the primary's circuit is open. <c>Both</c>: every object goes to both.</summary>
    public string Mode { get; set; } = "Failover";

    /// <summary>Instances uploading at once.</summary>
    public int Concurrency { get; set; } = 4;

    public string KeyTemplate { get; set; } = CloudSync.Keys.ObjectKeyTemplate.Default;
    public int MultipartThresholdMegabytes { get; set; } = 16;
    public int PartSizeMegabytes { get; set; } = 8;
    public int PartConcurrency { get; set; } = 4;
    public int AttemptTimeoutSeconds { get; set; } = 300;
    public int MaxRetryAttempts { get; set; } = 4;
    public int CircuitBreakSeconds { get; set; } = 30;

    /// <summary>Rate limits by local time of day; outside every window uploads are unlimited. Reloaded when the config file changes.</summary>
    public List<BandwidthWindowOptions> BandwidthSchedule { get; set; } = [];
}

/// <summary>An S3-compatible endpoint. Keys come from files (or systemd credentials), never from the JSON itself.</summary>
internal sealed class S3EndpointOptions
{
    public string ServiceUrl { get; set; } = "";
    public string Bucket { get; set; } = "";
    public string Region { get; set; } = "us-east-1";
    public bool PathStyle { get; set; }

    /// <summary>File holding the access key id; empty: systemd credential <c>{name}-access-key</c>.</summary>
    public string? AccessKeyFile { get; set; }

    /// <summary>File holding the secret key; empty: systemd credential <c>{name}-secret-key</c>.</summary>
    public string? SecretKeyFile { get; set; }
}

/// <summary>One window of the bandwidth schedule: <c>{ "From": "08:00", "To": "18:00", "MegabitsPerSecond": 20 }</c>.</summary>
internal sealed class BandwidthWindowOptions
{
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public double MegabitsPerSecond { get; set; }
}
