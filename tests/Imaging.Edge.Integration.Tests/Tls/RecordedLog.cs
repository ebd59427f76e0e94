using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Integration.Tests.Tls;

/// <summary>Keeps every formatted log line of the receiver, so a test can read why a connection was refused.</summary>
internal sealed class RecordedLog : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ILoggerFactory Factory => LoggerFactory.Create(builder => builder.AddProvider(this));

    public string Text => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{eventId.Id} {formatter(state, exception)}");

    /// <summary>Waits for a line containing <paramref name="text"/> (the server logs after the client has already given up).</summary>
    public async Task<string> WaitForAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!timeout.IsCancellationRequested)
        {
            if (_lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line) return line;
            await Task.Delay(20);
        }
        Assert.Fail($"no log line with '{text}' in:\n{Text}");
        return "";
    }

    public void Dispose()
    {
    }
}
