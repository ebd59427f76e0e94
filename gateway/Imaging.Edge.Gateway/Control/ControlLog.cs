using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Control;

internal static partial class ControlLog
{
    [LoggerMessage(7100, LogLevel.Information, "Control socket listening at {Path}")]
    public static partial void Listening(ILogger logger, string path);

    [LoggerMessage(7101, LogLevel.Warning, "A control connection failed ({Error})")]
    public static partial void ConnectionFailed(ILogger logger, string error);

    [LoggerMessage(7102, LogLevel.Error, "The control socket could not accept a connection ({Error}); it tries again in a second")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, string error);
}
