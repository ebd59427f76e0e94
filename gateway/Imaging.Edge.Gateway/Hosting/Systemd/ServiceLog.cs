using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Hosting.Systemd;

/// <summary>Log messages of the service manager side (notify, watchdog). Component names are ours; no patient data.</summary>
internal static partial class ServiceLog
{
    [LoggerMessage(9600, LogLevel.Information, "Ready: told the service manager (watchdog every {WatchdogSeconds} s, 0: none)")]
    public static partial void Ready(ILogger logger, double watchdogSeconds);

    [LoggerMessage(9601, LogLevel.Error, "Watchdog: {Component} is wedged ({Reason}): no more pings, the service manager will restart the gateway")]
    public static partial void Wedged(ILogger logger, string component, string reason);

    [LoggerMessage(9602, LogLevel.Warning, "Watchdog: {Component} is alive again; pings resume")]
    public static partial void Recovered(ILogger logger, string component);

    [LoggerMessage(9603, LogLevel.Warning, "The status could not be read from the queue: {Error}")]
    public static partial void StatusUnreadable(ILogger logger, string error);
}
