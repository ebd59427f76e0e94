using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>Log messages of MQTT telemetry. No patient data: events are counted, never printed; secrets never appear.</summary>
internal static partial class TelemetryLog
{
    [LoggerMessage(6000, LogLevel.Information, "Telemetry connected to {Host}:{Port} as {ClientId}, topics under {Prefix}")]
    public static partial void Connected(ILogger logger, string host, int port, string clientId, string prefix);

    [LoggerMessage(6001, LogLevel.Warning, "Telemetry cannot connect to the broker {Host}:{Port} ({Reason}); next attempt in {DelaySeconds} s")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string reason, double delaySeconds);

    [LoggerMessage(6002, LogLevel.Warning, "Telemetry lost the broker connection; reconnecting")]
    public static partial void ConnectionLost(ILogger logger);

    [LoggerMessage(6003, LogLevel.Warning, "The broker did not acknowledge event {Seq} ({Reason}); it stays in the outbox")]
    public static partial void EventNotAcknowledged(ILogger logger, long seq, string reason);

    [LoggerMessage(6004, LogLevel.Information, "Telemetry stopped: offline status published")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(6005, LogLevel.Warning, "Telemetry could not publish its offline status on stop ({Error})")]
    public static partial void StopPublishFailed(ILogger logger, string error);

    [LoggerMessage(6006, LogLevel.Debug, "Telemetry connect attempt failed: {Error}: {Detail}")]
    public static partial void ConnectError(ILogger logger, string error, string detail);

    [LoggerMessage(6007, LogLevel.Warning, "The outbox passed {Max} events: the {Dropped} oldest were dropped")]
    public static partial void EventsDropped(ILogger logger, long dropped, int max);

    [LoggerMessage(6008, LogLevel.Warning, "A command's answer could not be published ({Error})")]
    public static partial void AnswerFailed(ILogger logger, string error);

    [LoggerMessage(6010, LogLevel.Error, "Telemetry settings cannot be used ({Error}: {Detail}); receiving and uploading go on, telemetry retries")]
    public static partial void SettingsUnusable(ILogger logger, string error, string detail);

    [LoggerMessage(6009, LogLevel.Information, "Event {Type} {Seq}: {Payload}")]
    public static partial void EventToConsole(ILogger logger, string type, long seq, string payload);

    [LoggerMessage(6011, LogLevel.Error, "Writing events to the console failed ({ErrorType}); tried again in a second")]
    public static partial void ConsoleDrainFailed(ILogger logger, Exception exception, string errorType);

    [LoggerMessage(6012, LogLevel.Error, "The telemetry loop met an unexpected {ErrorType}; it reconnects in {Seconds} s")]
    public static partial void LoopFault(ILogger logger, Exception exception, string errorType, double seconds);
}
