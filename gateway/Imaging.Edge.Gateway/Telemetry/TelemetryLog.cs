using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>Log messages of MQTT telemetry. No patient data: events are counted, never printed.</summary>
internal static partial class TelemetryLog
{
    [LoggerMessage(6000, LogLevel.Information, "Telemetry connected to {Host}:{Port} as {ClientId}, topics under {Prefix}")]
    public static partial void Connected(ILogger logger, string host, int port, string clientId, string prefix);

    [LoggerMessage(6001, LogLevel.Warning, "Telemetry cannot reach the broker {Host}:{Port} ({Reason}); next attempt in {DelaySeconds} s")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string reason, double delaySeconds);

    [LoggerMessage(6002, LogLevel.Warning, "Telemetry lost the broker connection; reconnecting")]
    public static partial void ConnectionLost(ILogger logger);

    [LoggerMessage(6003, LogLevel.Warning, "The broker did not acknowledge event {Seq} ({Reason}); it stays in the outbox")]
    public static partial void EventNotAcknowledged(ILogger logger, long seq, string reason);

    [LoggerMessage(6004, LogLevel.Information, "Telemetry stopped: offline status published")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(6005, LogLevel.Warning, "Telemetry could not publish its offline status on stop")]
    public static partial void StopPublishFailed(ILogger logger, Exception exception);
}
