using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// The Chrome DevTools protocol over one WebSocket to the browser, attached in flat mode to its page:
/// evaluate JavaScript, click like a mouse does, and keep the page's console and uncaught errors for diagnostics.
/// </summary>
internal sealed class DevToolsSession : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _waiting = new();
    private readonly List<string> _console = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private int _nextId;
    private string? _sessionId;

    private DevToolsSession(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>What the page logged and threw, oldest first.</summary>
    public IReadOnlyList<string> Console { get { lock (_console) return _console.ToList(); } }

    public static async Task<DevToolsSession> AttachToPageAsync(Uri browserEndpoint, string url, TimeSpan timeout)
    {
        var socket = new ClientWebSocket();
        socket.Options.Proxy = null; // loopback: never through a proxy named by the environment
        using (var connect = new CancellationTokenSource(timeout))
            await socket.ConnectAsync(browserEndpoint, connect.Token);
        var session = new DevToolsSession(socket);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var targets = await session.SendAsync("Target.getTargets", browserLevel: true);
            var page = targets.GetProperty("targetInfos").EnumerateArray()
                .FirstOrDefault(t => t.GetProperty("type").GetString() == "page" && t.GetProperty("url").GetString()!.StartsWith("file:", StringComparison.Ordinal));
            if (page.ValueKind == JsonValueKind.Object)
            {
                var attached = await session.SendAsync("Target.attachToTarget",
                    new JsonObject { ["targetId"] = page.GetProperty("targetId").GetString(), ["flatten"] = true }, browserLevel: true);
                session._sessionId = attached.GetProperty("sessionId").GetString();
                await session.SendAsync("Runtime.enable");
                await session.SendAsync("Log.enable");
                return session;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no page for {url} among the browser's targets: {targets}");
            await Task.Delay(100);
        }
    }

    /// <summary>Evaluates an expression in the page (promises awaited) and returns its JSON value; throws what the page threw.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result.TryGetProperty("exceptionDetails", out var details))
            throw new InvalidOperationException($"page threw evaluating {expression}: {details}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>
    /// Clicks the element with real mouse events at its centre: hit testing, focus and event order as for a
    /// person, so a button hidden under something else or rebuilt between press and release is not clicked.
    /// </summary>
    public async Task ClickAsync(string selector)
    {
        var centre = await EvaluateAsync($$"""
            (() => {
              const e = document.querySelector({{JsonSerializer.Serialize(selector)}});
              if (!e) return null;
              e.scrollIntoView({ block: 'center', inline: 'center' });
              const r = e.getBoundingClientRect();
              return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
            })()
            """);
        if (centre.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"nothing matches {selector}");
        var (x, y) = (centre.GetProperty("x").GetDouble(), centre.GetProperty("y").GetDouble());
        foreach (var type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
        {
            await SendAsync("Input.dispatchMouseEvent", new JsonObject
            {
                ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = type == "mouseMoved" ? "none" : "left", ["clickCount"] = type == "mouseMoved" ? 0 : 1,
            });
        }
    }

    /// <summary>Any page-level DevTools method (Performance.getMetrics, Page.captureScreenshot, ...); returns its result.</summary>
    public Task<JsonElement> CallAsync(string method, JsonObject? parameters = null) => SendAsync(method, parameters);

    /// <summary>Asks the browser to close. Does not throw: the browser may drop the connection before it answers.</summary>
    public async Task CloseBrowserAsync()
    {
        try
        {
            await SendAsync("Browser.close", browserLevel: true).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or WebSocketException or TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
        }
    }

    private async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null, bool browserLevel = false)
    {
        var id = Interlocked.Increment(ref _nextId);
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (!browserLevel) command["sessionId"] = _sessionId ?? throw new InvalidOperationException("not attached to a page");
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        try
        {
            await _sendLock.WaitAsync();
            try
            {
                using var timeout = new CancellationTokenSource(CommandTimeout);
                await _socket.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
            return await answer.Task.WaitAsync(CommandTimeout);
        }
        finally
        {
            _waiting.TryRemove(id, out _);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                using (var document = JsonDocument.Parse(message.ToArray())) Dispatch(document.RootElement);
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            foreach (var waiting in _waiting.Values) waiting.TrySetException(new IOException("DevTools connection closed"));
        }
    }

    private void Dispatch(JsonElement message)
    {
        if (message.TryGetProperty("id", out var id))
        {
            if (!_waiting.TryGetValue(id.GetInt32(), out var answer)) return;
            if (message.TryGetProperty("error", out var error)) answer.TrySetException(new InvalidOperationException($"DevTools: {error}"));
            else answer.TrySetResult(message.GetProperty("result").Clone());
            return;
        }
        var line = message.GetProperty("method").GetString() switch
        {
            "Runtime.consoleAPICalled" => "console: " + string.Join(' ', message.GetProperty("params").GetProperty("args").EnumerateArray()
                .Select(a => a.TryGetProperty("value", out var v) ? v.ToString() : a.TryGetProperty("description", out var d) ? d.GetString() : "?")),
            "Runtime.exceptionThrown" => "uncaught: " + message.GetProperty("params").GetProperty("exceptionDetails"),
            "Log.entryAdded" => "log: " + message.GetProperty("params").GetProperty("entry").GetProperty("text").GetString(),
            _ => null,
        };
        if (line is not null) lock (_console) _console.Add(line);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reader;
        }
        finally
        {
            _socket.Abort();
            _socket.Dispose();
            _stop.Dispose();
            _sendLock.Dispose();
        }
    }
}
