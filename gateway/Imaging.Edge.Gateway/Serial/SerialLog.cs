using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Serial;

/// <summary>Log messages of the serial intake. Devices are named by their configured name and port; never content.</summary>
internal static partial class SerialLog
{
    [LoggerMessage(9000, LogLevel.Information, "Device {Device}: listening on {Port} with profile {Profile}")]
    public static partial void Listening(ILogger logger, string device, string port, string profile);

    [LoggerMessage(9001, LogLevel.Information, "Device {Device}: port {Port} open")]
    public static partial void Connected(ILogger logger, string device, string port);

    [LoggerMessage(9002, LogLevel.Warning, "Device {Device}: port {Port} closed ({Reason}); reopening with backoff")]
    public static partial void Disconnected(ILogger logger, string device, string port, string reason);

    [LoggerMessage(9003, LogLevel.Warning, "Device {Device}: port {Port} cannot be opened ({Reason}); retrying with backoff")]
    public static partial void Unavailable(ILogger logger, string device, string port, string reason);

    [LoggerMessage(9004, LogLevel.Warning, "Device {Device}: port {Port} has no DTR/RTS control lines; opened without raising them")]
    public static partial void NoModemLines(ILogger logger, string device, string port);

    [LoggerMessage(9005, LogLevel.Error, "Device {Device}: profile {Profile} rejected: {Error}")]
    public static partial void ProfileRejected(ILogger logger, string device, string profile, string error);

    [LoggerMessage(9006, LogLevel.Warning, "Device {Device}: link problem {Kind}: {Detail}")]
    public static partial void LinkProblem(ILogger logger, string device, string kind, string detail);

    [LoggerMessage(9007, LogLevel.Information, "Device {Device}: message {MessageNumber} stored as {Objects} DICOM objects")]
    public static partial void Stored(ILogger logger, string device, long messageNumber, int objects);

    [LoggerMessage(9008, LogLevel.Warning, "Device {Device}: message {MessageNumber} could not be stored ({Reason}); refused on the link where the protocol can")]
    public static partial void NotStored(ILogger logger, string device, long messageNumber, string reason);

    [LoggerMessage(9009, LogLevel.Warning, "Device {Device}: message {MessageNumber}: {Problems} parse problems, first: {FirstProblem}")]
    public static partial void ParseProblems(ILogger logger, string device, long messageNumber, int problems, string firstProblem);

    [LoggerMessage(9010, LogLevel.Error, "Device {Device}: the listener met an unexpected {ErrorKind}; it goes on after a backoff")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, string device, string errorKind);

    [LoggerMessage(9011, LogLevel.Warning, "Device {Device}: refusing data, free space is below the disk reserve")]
    public static partial void RefusingBelowReserve(ILogger logger, string device);

    [LoggerMessage(9012, LogLevel.Warning, "Device event {EventType} not recorded ({ErrorKind})")]
    public static partial void EventNotRecorded(ILogger logger, string eventType, string errorKind);

    [LoggerMessage(9013, LogLevel.Information, "Serial devices reloaded: {Started} started, {Stopped} stopped, {Unchanged} unchanged, {Rejected} rejected")]
    public static partial void Reloaded(ILogger logger, int started, int stopped, int unchanged, int rejected);
}
