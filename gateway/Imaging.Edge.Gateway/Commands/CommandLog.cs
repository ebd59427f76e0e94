using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>Log messages of operator commands. Arguments are never logged (they may name a patient).</summary>
internal static partial class CommandLog
{
    [LoggerMessage(7000, LogLevel.Information, "Command {Command} (request {RequestId}) by {Actor}: {Result}")]
    private static partial void ExecutedCore(ILogger logger, string command, string requestId, string actor, string result);

    public static void Executed(ILogger logger, string command, string requestId, string actor, bool ok) =>
        ExecutedCore(logger, command, requestId, actor, ok ? "ok" : "error");

    [LoggerMessage(7001, LogLevel.Error, "Command {Command} (request {RequestId}) failed")]
    public static partial void Failed(ILogger logger, string command, string requestId, Exception exception);

    [LoggerMessage(7002, LogLevel.Warning, "Command {Command} (request {RequestId}) by {Actor} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string command, string requestId, string actor, string reason);
}
