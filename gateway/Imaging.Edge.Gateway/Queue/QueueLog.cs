using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>Log messages of the queue. Instances are named by row id, studies by pseudonym: no patient data.</summary>
internal static partial class QueueLog
{
    [LoggerMessage(3000, LogLevel.Information, "Queue recovered: {SpoolFiles} spool files removed, {Leases} leases released, {Indexed} files indexed again, {Quarantined} unreadable files quarantined, {Missing} rows without a file")]
    public static partial void Recovered(ILogger logger, int spoolFiles, int leases, int indexed, int quarantined, int missing);

    [LoggerMessage(3001, LogLevel.Error, "Instance {InstanceId}: its file is missing from the data folder; marked failed")]
    public static partial void FileMissing(ILogger logger, long instanceId);

    [LoggerMessage(3002, LogLevel.Warning, "A file in the study folders could not be read and was moved to quarantine: {Reason}")]
    public static partial void Quarantined(ILogger logger, Exception exception, string reason);

    [LoggerMessage(3003, LogLevel.Warning, "Could not remove a spool file")]
    public static partial void SpoolCleanupFailed(ILogger logger, Exception exception);

    [LoggerMessage(3004, LogLevel.Information, "Study {Study} is stable: {Instances} instances, manifest version {ManifestVersion}")]
    public static partial void StudyStable(ILogger logger, string study, int instances, int manifestVersion);

    [LoggerMessage(3005, LogLevel.Information, "Queue ready: schema version {SchemaVersion}, {Pending} pending, {Failed} failed")]
    public static partial void Ready(ILogger logger, int schemaVersion, long pending, long failed);

    [LoggerMessage(3006, LogLevel.Error, "Study stability check failed ({ErrorType}); tried again at the next check")]
    public static partial void StabilityCheckFailed(ILogger logger, Exception exception, string errorType);

    [LoggerMessage(3007, LogLevel.Information, "Recovery wrote the files of {Files} acknowledged instances from their bytes in the queue")]
    public static partial void PendingFilesWritten(ILogger logger, int files);
}
