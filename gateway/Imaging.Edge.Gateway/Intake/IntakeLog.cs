using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>Log messages of the intake. No patient data: instances are named by association and message id.</summary>
internal static partial class IntakeLog
{
    [LoggerMessage(2000, LogLevel.Warning, "Refusing instance from association {AssociationId}: free space {FreeMegabytes} MB is below the reserve of {ReserveMegabytes} MB")]
    public static partial void ReserveReached(ILogger logger, long associationId, long freeMegabytes, long reserveMegabytes);

    [LoggerMessage(2001, LogLevel.Debug, "Stored instance of association {AssociationId}, message {MessageId}: {Bytes} bytes")]
    public static partial void Stored(ILogger logger, long associationId, int messageId, long bytes);

    [LoggerMessage(2002, LogLevel.Warning, "Instance of association {AssociationId} already received with this SOP Instance UID: kept as version {Version}")]
    public static partial void KeptAsNewVersion(ILogger logger, long associationId, int version);

    [LoggerMessage(2006, LogLevel.Warning, "Refusing instance of association {AssociationId}, message {MessageId} after {Bytes} bytes: {FreeMegabytes} MB free, the reserve of {ReserveMegabytes} MB would be crossed")]
    public static partial void ReserveReachedWhileReceiving(ILogger logger, long associationId, int messageId, long bytes, long freeMegabytes, long reserveMegabytes);

    [LoggerMessage(2005, LogLevel.Information, "Instance of association {AssociationId}, message {MessageId} was already received with identical bytes: acknowledged, not queued twice")]
    public static partial void IdenticalDuplicate(ILogger logger, long associationId, int messageId);

    [LoggerMessage(2007, LogLevel.Error, "Writing the files of acknowledged instances failed ({Reason}); their bytes stay in the queue and are tried again")]
    public static partial void MaterializeFailed(ILogger logger, Exception exception, string reason);

}
