using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Imaging.Edge.Gateway.Health;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>A log line on its way to <c>{prefix}/logs/{level}</c>.</summary>
internal sealed record ForwardedLog(DateTimeOffset At, string Level, string Category, int EventId, string Message);

/// <summary>
/// Hands warnings and worse to telemetry. Only the rendered message goes, never the exception (its text can name
/// files); our messages are templates without patient data (CONVENTIONS §13), and what a template quotes from
/// elsewhere loses its UIDs and paths on the way out (SafeText.ForOps). A small bounded buffer: when the broker
/// is away or the gateway is noisy, the oldest lines are dropped and counted.
/// </summary>
internal sealed class LogForwarder : ILoggerProvider
{
    private readonly Channel<ForwardedLog> _lines;
    private readonly TelemetryDrops _drops;
    private readonly TimeProvider _clock;

    public LogForwarder(TelemetryDrops drops, TimeProvider clock)
    {
        _drops = drops;
        _clock = clock;
        _lines = Channel.CreateBounded<ForwardedLog>(new BoundedChannelOptions(200) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => drops.LogsDropped(1));
    }

    public ChannelReader<ForwardedLog> Lines => _lines.Reader;

    public TelemetryDrops Drops => _drops;

    public ILogger CreateLogger(string categoryName) => new Forwarding(this, categoryName);

    public void Dispose() => _lines.Writer.TryComplete();

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };

    private sealed class Forwarding(LogForwarder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = Privacy.SafeText.ForOps(formatter(state, null));
            owner._lines.Writer.TryWrite(new ForwardedLog(owner._clock.GetUtcNow(), LevelName(logLevel), category, eventId.Id, message));
        }
    }
}
