using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>Log messages of the upload worker. Instances by row id, studies by pseudonym; reasons are store codes.</summary>
internal static partial class GatewayUploadLog
{
    [LoggerMessage(5000, LogLevel.Information, "Uploads go to {Endpoint} ({Location}); backup: {Backup}; {Concurrency} at once")]
    public static partial void Started(ILogger logger, string endpoint, string location, string backup, int concurrency);

    [LoggerMessage(5001, LogLevel.Debug, "Instance {InstanceId} uploaded to {Endpoint}: {Bytes} bytes")]
    public static partial void Uploaded(ILogger logger, long instanceId, string endpoint, long bytes);

    [LoggerMessage(5002, LogLevel.Warning, "Instance {InstanceId}: upload postponed until {RetryAt:O}: {Reason}")]
    public static partial void Postponed(ILogger logger, long instanceId, DateTimeOffset retryAt, string reason);

    [LoggerMessage(5003, LogLevel.Error, "Instance {InstanceId}: upload failed permanently: {Reason}")]
    public static partial void Failed(ILogger logger, long instanceId, string reason);

    [LoggerMessage(5004, LogLevel.Information, "Manifest version {Version} of study {Study} uploaded ({Instances} instances)")]
    public static partial void ManifestUploaded(ILogger logger, string study, int version, int instances);

    [LoggerMessage(5005, LogLevel.Warning, "Manifest of study {Study} not uploaded yet: {Reason}")]
    public static partial void ManifestPostponed(ILogger logger, string study, string reason);

    [LoggerMessage(5006, LogLevel.Warning, "Sweep of orphaned multipart uploads on {Endpoint} failed: {Reason}")]
    public static partial void SweepFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(5056, LogLevel.Error, "Manifest pass failed: unexpected {ErrorType}; tried again at the next pass")]
    public static partial void ManifestPassFailed(ILogger logger, Exception exception, string errorType);

    [LoggerMessage(5057, LogLevel.Error, "Sweep of orphaned multipart uploads failed: unexpected {ErrorType}; tried again at the next sweep")]
    public static partial void SweepPassFailed(ILogger logger, Exception exception, string errorType);

    [LoggerMessage(5040, LogLevel.Information, "No sweep of orphaned multipart uploads: the key template's prefix does not name the gateway, so other gateways' uploads could not be told apart (leave it to the bucket's lifecycle rule)")]
    public static partial void SweepOff(ILogger logger);

    [LoggerMessage(5007, LogLevel.Information, "Instance {InstanceId} was erased while it uploaded: its object on {Endpoint} was deleted")]
    public static partial void ErasedWhileUploading(ILogger logger, long instanceId, string endpoint);

    [LoggerMessage(5008, LogLevel.Error, "Instance {InstanceId} was erased while it uploaded, and its object on {Endpoint} could not be deleted ({Error}): run erase-patient with --cloud again")]
    public static partial void ErasedObjectNotDeleted(ILogger logger, long instanceId, string endpoint, string error);

    [LoggerMessage(5009, LogLevel.Information, "Study {Study} was erased while its manifest uploaded: the manifest was deleted")]
    public static partial void ManifestOfErasedStudyDeleted(ILogger logger, string study);

    [LoggerMessage(5030, LogLevel.Error, "Upload slot {Slot}: unexpected {ErrorType} ({Faults} in a row); the slot goes on after a pause")]
    public static partial void SlotFault(ILogger logger, Exception exception, int slot, string errorType, int faults);

    [LoggerMessage(5031, LogLevel.Error, "Instance {InstanceId}: unexpected {ErrorType} in upload slot {Slot}; postponed like a transient error")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, long instanceId, int slot, string errorType);

    [LoggerMessage(5032, LogLevel.Warning, "{Count} instances were leased by an upload slot that stopped renewing its lease: back to pending")]
    public static partial void ExpiredLeasesReleased(ILogger logger, int count);

    [LoggerMessage(5033, LogLevel.Error, "Release of expired upload leases failed: {ErrorType}; tried again in a minute")]
    public static partial void LeaseSweepFailed(ILogger logger, Exception exception, string errorType);

    [LoggerMessage(5034, LogLevel.Warning, "Instance {InstanceId}: its upload lease could not be renewed ({ErrorType})")]
    public static partial void LeaseNotRenewed(ILogger logger, long instanceId, string errorType);
}
