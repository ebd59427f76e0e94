using Imaging.Edge.Gateway.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>
/// One line per entry, as the simple console formatter writes it (<c>2026-11-29 09:31:02.123 warn: Category[1002]
/// message exception</c>), with control characters escaped: a calling AE title or a UID from the wire cannot forge a
/// journal line or send escape sequences to the terminal of whoever reads the log (SafeText.Printable).
/// </summary>
internal sealed class PrintableConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "edge";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null) return;
        textWriter.Write(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(SafeText.Printable(logEntry.Category));
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write("] ");
        textWriter.Write(SafeText.Printable(message));
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(' ');
            textWriter.Write(SafeText.Printable(exception.ToString().Replace(Environment.NewLine, " ", StringComparison.Ordinal)));
        }
        textWriter.Write(Environment.NewLine);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
