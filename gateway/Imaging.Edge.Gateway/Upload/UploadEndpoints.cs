using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Throttling;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// The endpoints uploads go to, each with its resilience pipeline: the primary (an S3 bucket or a folder) and an
/// optional backup bucket. In Failover mode the backup is used while the primary's circuit is open; in Both mode
/// every object goes to both.
/// </summary>
internal sealed class UploadEndpoints : IDisposable
{
    public UploadEndpoints(EndpointResilience primary, EndpointResilience? backup, bool writeToBoth)
    {
        Primary = primary;
        Backup = backup;
        WriteToBoth = writeToBoth;
    }

    public EndpointResilience Primary { get; }
    public EndpointResilience? Backup { get; }
    public bool WriteToBoth { get; }

    /// <summary>True when some endpoint can be tried now (the backup covers an unavailable primary).</summary>
    public bool BackupCanCover => Backup is { IsUnavailable: false };

    /// <summary>Where the next object goes: both, or the primary unless it is unavailable and a backup exists.</summary>
    public IReadOnlyList<EndpointResilience> Targets()
    {
        if (WriteToBoth && Backup is not null) return [Primary, Backup];
        return Primary.IsUnavailable && Backup is not null ? [Backup] : [Primary];
    }

    public static UploadEndpoints Create(EdgeConfiguration configuration, DataLayout layout, BandwidthLimiter limiter, TimeProvider clock, ILoggerFactory loggers)
    {
        var upload = configuration.Upload;
        var settings = new ResilienceSettings
        {
            AttemptTimeout = TimeSpan.FromSeconds(upload.AttemptTimeoutSeconds),
            MaxRetryAttempts = upload.MaxRetryAttempts,
            BreakDuration = TimeSpan.FromSeconds(upload.CircuitBreakSeconds),
        };
        var logger = loggers.CreateLogger<UploadEndpoints>();
        IObjectStore primary = upload.Destination switch
        {
            "" => new FileSystemObjectStore(Path.Combine(layout.Root, "cloud")),
            "s3" => new S3ObjectStore(S3Options(upload.S3!, "primary", limiter), "primary"),
            var file => new FileSystemObjectStore(Path.GetFullPath(file["file:".Length..])),
        };
        var backup = upload.BackupS3 is null ? null : new S3ObjectStore(S3Options(upload.BackupS3, "backup", limiter), "backup");
        return new UploadEndpoints(
            new EndpointResilience(primary, settings, clock, logger),
            backup is null ? null : new EndpointResilience(backup, settings, clock, logger),
            upload.Mode == "Both");
    }

    private static S3StoreOptions S3Options(S3EndpointOptions endpoint, string name, BandwidthLimiter limiter) => new()
    {
        Limiter = limiter,
        ServiceUrl = endpoint.ServiceUrl,
        Bucket = endpoint.Bucket,
        Region = endpoint.Region,
        PathStyle = endpoint.PathStyle,
        AccessKey = SecretFiles.Read(endpoint.AccessKeyFile, $"{name}-access-key"),
        SecretKey = SecretFiles.Read(endpoint.SecretKeyFile, $"{name}-secret-key"),
    };

    public void Dispose()
    {
        (Primary.Store as IDisposable)?.Dispose();
        (Backup?.Store as IDisposable)?.Dispose();
    }
}
