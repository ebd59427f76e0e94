using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Retention;

/// <summary>Log messages of retention and the disk monitor (event ids 8000-8099). Counts and sizes only: no UID, no path.</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(8000, LogLevel.Information, "Retention ({Reason}): deleted the local copies of {Instances} instances ({Bytes} bytes) whose cloud copies are verified")]
    public static partial void Evicted(ILogger logger, string reason, int instances, long bytes);

    [LoggerMessage(8001, LogLevel.Warning, "Retention: {Failures} evicted local copies could not be deleted; start-up recovery will finish them")]
    public static partial void DeleteFailed(ILogger logger, int failures);

    [LoggerMessage(8002, LogLevel.Warning, "Data disk {UsedPercent:F1}% used, above the high-water mark of {HighWaterPercent}%, and no verified upload is left to evict")]
    public static partial void NothingToEvict(ILogger logger, double usedPercent, int highWaterPercent);

    [LoggerMessage(8003, LogLevel.Warning, "Free space {FreeMegabytes} MB is below the reserve of {ReserveMegabytes} MB: new instances are refused (0xA700)")]
    public static partial void BelowReserve(ILogger logger, long freeMegabytes, long reserveMegabytes);

    [LoggerMessage(8004, LogLevel.Information, "Free space {FreeMegabytes} MB is back above the reserve of {ReserveMegabytes} MB: receiving again")]
    public static partial void AboveReserve(ILogger logger, long freeMegabytes, long reserveMegabytes);

    [LoggerMessage(8005, LogLevel.Information, "Retention: pruned {AuditRows} audit rows and {OutboxEvents} unpublished outbox events older than {Days} days")]
    public static partial void Pruned(ILogger logger, int auditRows, int outboxEvents, int days);

    [LoggerMessage(8006, LogLevel.Information, "Recovery finished deleting {Files} local copies that retention had evicted before the restart")]
    public static partial void EvictionsFinished(ILogger logger, int files);

    [LoggerMessage(8007, LogLevel.Warning, "Cannot read the free space of the data disk: {Reason}")]
    public static partial void DiskUnreadable(ILogger logger, string reason);

    [LoggerMessage(8008, LogLevel.Information, "Retention: verified local copies kept {KeepUploadedDays} days, high-water mark {HighWaterPercent}%, reserve {ReserveMegabytes} MB, audit and outbox kept {LogRetentionDays} days, sweep every {SweepIntervalSeconds} s")]
    public static partial void Started(ILogger logger, int keepUploadedDays, int highWaterPercent, long reserveMegabytes, int logRetentionDays, int sweepIntervalSeconds);

    [LoggerMessage(8009, LogLevel.Warning, "Could not record a {EventType} event (SQLite error {ErrorCode}); will try again")]
    public static partial void EventNotRecorded(ILogger logger, string eventType, int errorCode);

    [LoggerMessage(8010, LogLevel.Error, "Retention sweep failed: unexpected {ErrorType}; tried again at the next sweep (nothing is deleted by a failed sweep that a later one would not)")]
    public static partial void SweepFailed(ILogger logger, Exception exception, string errorType);

    [LoggerMessage(8011, LogLevel.Error, "Disk check failed: unexpected {ErrorType}; the last reading stands until the next check")]
    public static partial void CheckFailed(ILogger logger, Exception exception, string errorType);
}
