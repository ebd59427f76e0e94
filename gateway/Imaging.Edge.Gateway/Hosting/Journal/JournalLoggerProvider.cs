using System.Globalization;
using System.Net.Sockets;
using Imaging.Edge.Gateway.Privacy;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Hosting.Journal;

/// <summary>
/// Writes every log entry to journald's native socket when systemd connected our output to the journal
/// (<see cref="Systemd.SystemdEnvironment.JournalSocket"/>), in place of the console: <c>PRIORITY</c> from the level
/// (<c>journalctl -p warning</c> shows warnings and worse, nothing else), <c>MESSAGE</c> as the console line would
/// read, and each template parameter and scope value as a field of its own (<see cref="JournalFields.Name"/>), beside
/// <c>SITE</c>, <c>GATEWAY</c>, <c>LOGGER</c>, <c>EVENT_ID</c> and <c>EVENT_NAME</c>. Values are
/// <see cref="SafeText.Printable"/> as on the console; template parameters are held to the privacy rules by
/// OutboundTests. A datagram that cannot be sent (journald restarting, an entry too large) is written to standard
/// output instead, which systemd sends to the journal too, without the fields.
/// </summary>
internal sealed class JournalLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    public const string Identifier = "imaging-edge";

    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _endPoint;
    private readonly KeyValuePair<string, string>[] _common;
    private IExternalScopeProvider? _scopes;

    public JournalLoggerProvider(string socketPath, string siteId, string gatewayId)
    {
        _endPoint = new UnixDomainSocketEndPoint(socketPath);
        _common =
        [
            new("SYSLOG_IDENTIFIER", Identifier),
            new("SITE", SafeText.Printable(siteId)),
            new("GATEWAY", SafeText.Printable(gatewayId)),
        ];
    }

    public ILogger CreateLogger(string categoryName) => new JournalLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => _socket.Dispose();

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        if (string.IsNullOrEmpty(message) && exception is null) return;
        if (exception is not null)
            message += " " + exception.ToString().Replace(Environment.NewLine, " ", StringComparison.Ordinal);
        var fields = new List<KeyValuePair<string, string>>(16)
        {
            new("PRIORITY", JournalFields.Priority(level).ToString(CultureInfo.InvariantCulture)),
            new("MESSAGE", SafeText.Printable(message)),
        };
        fields.AddRange(_common);
        fields.Add(new("LOGGER", SafeText.Printable(category)));
        fields.Add(new("EVENT_ID", eventId.Id.ToString(CultureInfo.InvariantCulture)));
        if (eventId.Name is { } name) fields.Add(new("EVENT_NAME", name));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        AddValues(fields, seen, state);
        _scopes?.ForEachScope((scope, _) => AddValues(fields, seen, scope), (object?)null);
        try
        {
            _socket.SendTo(JournalFields.Encode(fields), _endPoint);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Console.Out.WriteLine($"<{JournalFields.Priority(level)}>{SafeText.Printable(message)}");
        }
    }

    /// <summary>The structured values of a template or a scope, the first of each name winning (the entry's own before its scopes').</summary>
    private static void AddValues(List<KeyValuePair<string, string>> fields, HashSet<string> seen, object? state)
    {
        if (state is not IEnumerable<KeyValuePair<string, object?>> values) return;
        foreach (var (key, value) in values)
        {
            if (key == "{OriginalFormat}" || JournalFields.Name(key) is not { } name || !seen.Add(name)) continue;
            fields.Add(new(name, SafeText.Printable(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "(null)")));
        }
    }

    private sealed class JournalLogger(JournalLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) provider.Write(category, logLevel, eventId, state, exception, formatter);
        }
    }
}
