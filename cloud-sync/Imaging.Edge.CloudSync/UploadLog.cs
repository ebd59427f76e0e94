using Microsoft.Extensions.Logging;

namespace Imaging.Edge.CloudSync;

/// <summary>Log messages of cloud-sync. Objects are named by key only where keys hold no patient data (UIDs, pseudonyms).</summary>
internal static partial class UploadLog
{
    [LoggerMessage(4000, LogLevel.Warning, "Endpoint {Endpoint}: attempt {Attempt} in {Delay} after {Reason}")]
    public static partial void Retrying(ILogger logger, string endpoint, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(4001, LogLevel.Error, "Endpoint {Endpoint}: circuit open for {Duration}")]
    public static partial void CircuitOpened(ILogger logger, string endpoint, TimeSpan duration);

    [LoggerMessage(4002, LogLevel.Information, "Endpoint {Endpoint}: circuit closed, endpoint usable again")]
    public static partial void CircuitClosed(ILogger logger, string endpoint);

    [LoggerMessage(4003, LogLevel.Information, "Multipart upload resumed on {Endpoint}: {Done} of {Total} parts already there")]
    public static partial void Resumed(ILogger logger, string endpoint, int done, int total);

    [LoggerMessage(4006, LogLevel.Information, "Multipart upload resumed on {Endpoint} from the saved checkpoint ({Reason} listing parts): {Done} of {Total} parts already there")]
    public static partial void ResumedFromCheckpoint(ILogger logger, string endpoint, int done, int total, string reason);

    [LoggerMessage(4004, LogLevel.Warning, "Multipart upload on {Endpoint} was gone; starting it again")]
    public static partial void RestartingMultipart(ILogger logger, string endpoint);

    [LoggerMessage(4007, LogLevel.Information, "Object already on {Endpoint} with the same SHA-256: verified, not sent again")]
    public static partial void AlreadyStored(ILogger logger, string endpoint);

    [LoggerMessage(4008, LogLevel.Warning, "An object key on {Endpoint} holds other bytes: left as it is, this file goes under the key with its content suffix")]
    public static partial void KeyTaken(ILogger logger, string endpoint);

    [LoggerMessage(4010, LogLevel.Warning, "An object on {Endpoint} claims this file's SHA-256 but holds other bytes (an earlier attempt damaged on the way): sending the file again")]
    public static partial void ReplacingDamagedCopy(ILogger logger, string endpoint);

    [LoggerMessage(4011, LogLevel.Information, "An object key on {Endpoint} holds an empty object without metadata (a PUT cut short by a store that is not atomic): writing the file there")]
    public static partial void ReplacingEmptyObject(ILogger logger, string endpoint);

    [LoggerMessage(4009, LogLevel.Information, "Replacing an earlier object on {Endpoint} that this upload may replace")]
    public static partial void Replacing(ILogger logger, string endpoint);

    [LoggerMessage(4005, LogLevel.Information, "Aborted {Count} orphaned multipart uploads on {Endpoint}")]
    public static partial void OrphansAborted(ILogger logger, int count, string endpoint);
}
