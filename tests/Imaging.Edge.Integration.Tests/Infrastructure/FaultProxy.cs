using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>What the proxy does to one HTTP request (and the connection it came on).</summary>
public enum FaultKind
{
    /// <summary>Forwarded to the upstream as it is.</summary>
    Pass,

    /// <summary>The connection is closed (FIN) without an answer.</summary>
    Drop,

    /// <summary>The connection is reset (RST: linger 0, then close).</summary>
    Reset,

    /// <summary>The request is read and never answered; the connection stays open until the client gives up.</summary>
    Stall,

    /// <summary>Answered by the proxy: <c>503 Slow Down</c> with an S3 <c>SlowDown</c> error body, then the connection is closed.</summary>
    Http503,

    /// <summary>The head and the first <see cref="FaultProxy.CutAfterBytes"/> bytes of the body (at most half of it) go upstream, then both sides are reset.</summary>
    CutBody,
}

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of an HTTP/1.1 server (s3rver), that can break requests on purpose. It reads the
/// request heads (Content-Length bodies; anything chunked is passed through untouched), so the fault is decided per
/// request, not only per connection: a kept-alive connection of the SDK's pool can be broken in the middle of its life
/// too. The decision is a fixed kind (<see cref="Set"/>) or, in flaky mode (<see cref="SetFlaky"/>), a seeded random
/// fraction of the requests gets one of the given kinds. Counts connections, requests and faults. Every socket is
/// closed on dispose; every loop ends with its connection or the proxy.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private const int MaxHead = 64 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly int _upstreamPort;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly ConcurrentDictionary<FaultKind, int> _counts = new();
    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly Task _acceptLoop;
    private FaultKind _fixed = FaultKind.Pass;
    private double _fraction;
    private FaultKind[] _flakyKinds = [];
    private readonly ConcurrentQueue<string> _heads = new();
    private int _connectionCount;
    private int _requestCount;
    private int _corruptBudget;
    private long _corruptMinimum;
    private int _corrupted;

    public FaultProxy(int upstreamPort, int seed = 20261129)
    {
        _upstreamPort = upstreamPort;
        _random = new Random(seed);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Body bytes let through before a <see cref="FaultKind.CutBody"/> cut.</summary>
    public int CutAfterBytes { get; set; } = 256 * 1024;

    /// <summary>The first 500 request heads seen (method, path and headers), for tests that look at what the client sent.</summary>
    public IReadOnlyList<string> Heads => _heads.ToArray();

    public int Connections => Volatile.Read(ref _connectionCount);
    public int Requests => Volatile.Read(ref _requestCount);
    public int Faults => _counts.Where(c => c.Key != FaultKind.Pass).Sum(c => c.Value);
    public int Count(FaultKind kind) => _counts.GetValueOrDefault(kind);

    /// <summary>Passed requests whose body had one byte flipped in flight.</summary>
    public int Corrupted => Volatile.Read(ref _corrupted);

    public string Summary() =>
        $"{Connections} connections, {Requests} requests: " + string.Join(", ", Enum.GetValues<FaultKind>().Select(k => $"{k} {Count(k)}")) +
        $", corrupted bodies {Corrupted}";

    /// <summary>
    /// The next <paramref name="count"/> passed requests whose body has at least <paramref name="minimumLength"/> bytes get the
    /// middle byte of their body inverted on the way (a corruption TCP did not catch; the request stays well-formed).
    /// </summary>
    public void CorruptNextBodies(int count, long minimumLength)
    {
        Volatile.Write(ref _corruptMinimum, minimumLength);
        Volatile.Write(ref _corruptBudget, count);
    }

    /// <summary>
    /// When set, once the last body of <see cref="CorruptNextBodies"/> has been damaged every later request gets this kind
    /// (the store goes away right after a damaged write, before the client can send it again).
    /// </summary>
    public FaultKind? AfterCorruption { get; set; }

    private long CorruptionOffset(long contentLength)
    {
        if (contentLength < Volatile.Read(ref _corruptMinimum) || contentLength == 0) return -1;
        while (true)
        {
            var budget = Volatile.Read(ref _corruptBudget);
            if (budget <= 0) return -1;
            if (Interlocked.CompareExchange(ref _corruptBudget, budget - 1, budget) == budget)
            {
                Interlocked.Increment(ref _corrupted);
                if (budget == 1 && AfterCorruption is { } next) Set(next);
                return contentLength / 2;
            }
        }
    }

    /// <summary>Every request from now on gets <paramref name="kind"/>.</summary>
    public void Set(FaultKind kind)
    {
        lock (_lock)
        {
            _fixed = kind;
            _fraction = 0;
            _flakyKinds = [];
        }
    }

    /// <summary>A seeded random <paramref name="fraction"/> of the requests gets one of <paramref name="kinds"/> (chosen evenly); the rest pass.</summary>
    public void SetFlaky(double fraction, params FaultKind[] kinds)
    {
        lock (_lock)
        {
            _fixed = FaultKind.Pass;
            _fraction = fraction;
            _flakyKinds = kinds;
        }
    }

    private FaultKind Decide()
    {
        FaultKind kind;
        lock (_lock)
        {
            kind = _flakyKinds.Length > 0 && _random.NextDouble() < _fraction ? _flakyKinds[_random.Next(_flakyKinds.Length)] : _fixed;
        }
        _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _requestCount);
        return kind;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _connectionCount);
            client.NoDelay = true;
            _sockets[client] = 0;
            var task = Task.Run(() => ServeAsync(client));
            _connections[task] = 0;
            _ = task.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    /// <summary>One client connection: request after request, each with its fault. Never throws.</summary>
    private async Task ServeAsync(Socket client)
    {
        var token = _stop.Token;
        Socket? upstream = null;
        Task? responses = null;
        var reader = new BufferedReader(client);
        var reset = false;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var head = await reader.ReadHeadAsync(token);
                if (head is null) break; // the client closed (or sent garbage)
                var request = RequestHead.Parse(head);
                if (_heads.Count < 500) _heads.Enqueue(Encoding.ASCII.GetString(head));
                if (request.Chunked)
                {
                    // Not something this proxy can cut per request: pass this and the rest of the connection through.
                    upstream ??= await ConnectUpstreamAsync(client, token, r => responses = r);
                    await upstream.SendAsync(head, token);
                    await reader.CopyRestAsync(upstream, token);
                    break;
                }
                switch (Decide())
                {
                    case FaultKind.Pass:
                        upstream ??= await ConnectUpstreamAsync(client, token, r => responses = r);
                        await upstream.SendAsync(head, token);
                        await reader.CopyAsync(upstream, request.ContentLength, token, CorruptionOffset(request.ContentLength));
                        continue;
                    case FaultKind.Drop:
                        return;
                    case FaultKind.Reset:
                        reset = true;
                        return;
                    case FaultKind.Stall:
                        await reader.DiscardUntilClosedAsync(token);
                        return;
                    case FaultKind.Http503:
                        if (!request.ExpectsContinue) await reader.DiscardAsync(request.ContentLength, token);
                        await client.SendAsync(SlowDown(request.IsHead), token);
                        client.Shutdown(SocketShutdown.Send);
                        return;
                    case FaultKind.CutBody:
                        upstream ??= await ConnectUpstreamAsync(client, token, r => responses = r);
                        await upstream.SendAsync(head, token);
                        await reader.CopyAsync(upstream, Math.Min(CutAfterBytes, request.ContentLength / 2), token);
                        reset = true;
                        if (upstream is not null) upstream.LingerState = new LingerOption(true, 0);
                        return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // the client or the upstream went away: nothing to do but close
        }
        finally
        {
            if (reset) TryReset(client);
            Close(client);
            if (upstream is not null) Close(upstream);
            if (responses is not null) await responses.ConfigureAwait(false);
        }
    }

    private async Task<Socket> ConnectUpstreamAsync(Socket client, CancellationToken token, Action<Task> started)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _sockets[upstream] = 0;
        await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _upstreamPort), token);
        started(PumpResponsesAsync(upstream, client, token));
        return upstream;
    }

    /// <summary>
    /// When set, the <c>Date</c> header of every response is moved by this much on the way (a server whose clock is
    /// wrong); the value keeps its length, so nothing else in the response changes.
    /// </summary>
    public TimeSpan? ShiftResponseDate { get; set; }

    /// <summary>Upstream to client until the upstream closes; then the client's connection is closed too. Never throws.</summary>
    private async Task PumpResponsesAsync(Socket upstream, Socket client, CancellationToken token)
    {
        var buffer = new byte[64 * 1024];
        var carried = 0; // bytes held back from the last read: maybe the start of a Date header cut by the read
        try
        {
            while (true)
            {
                var read = await upstream.ReceiveAsync(buffer.AsMemory(carried), token);
                if (read == 0)
                {
                    if (carried > 0) await client.SendAsync(buffer.AsMemory(0, carried), token);
                    break;
                }
                var length = carried + read;
                var ready = ShiftResponseDate is { } shift ? ResponseDate.Shift(buffer.AsSpan(0, length), shift) : length;
                await client.SendAsync(buffer.AsMemory(0, ready), token);
                carried = length - ready;
                buffer.AsSpan(ready, carried).CopyTo(buffer);
            }
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static byte[] SlowDown(bool headRequest)
    {
        var body = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>" +
            "<Resource>/</Resource><RequestId>FAULTPROXY</RequestId></Error>");
        var head = Encoding.ASCII.GetBytes(
            "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nx-amz-request-id: FAULTPROXY\r\n" +
            $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        return headRequest ? head : [.. head, .. body];
    }

    private static void TryReset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void Close(Socket socket)
    {
        _sockets.TryRemove(socket, out _);
        try
        {
            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        foreach (var socket in _sockets.Keys) Close(socket);
        await _acceptLoop;
        var pending = _connections.Keys.ToArray();
        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(10)));
        _stop.Dispose();
    }

    /// <summary>The parts of a request head the proxy needs.</summary>
    private sealed record RequestHead(bool IsHead, long ContentLength, bool Chunked, bool ExpectsContinue)
    {
        public static RequestHead Parse(byte[] head)
        {
            var lines = Encoding.ASCII.GetString(head).Split("\r\n");
            long length = 0;
            bool chunked = false, expects = false;
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0) continue;
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
                else if (name.Equals("Expect", StringComparison.OrdinalIgnoreCase)) expects = value.Contains("100-continue", StringComparison.OrdinalIgnoreCase);
            }
            return new RequestHead(lines[0].StartsWith("HEAD ", StringComparison.Ordinal), length, chunked, expects);
        }
    }

    /// <summary>Reads a client's bytes with a little look-ahead, so that heads can be found and bodies counted.</summary>
    private sealed class BufferedReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[MaxHead];
        private int _start;
        private int _end;

        /// <summary>The next request head including its blank line, or null when the client closed first (or the head is too long).</summary>
        public async Task<byte[]?> ReadHeadAsync(CancellationToken token)
        {
            while (true)
            {
                var at = _buffer.AsSpan(_start, _end - _start).IndexOf(HeadEnd);
                if (at >= 0)
                {
                    var head = _buffer.AsSpan(_start, at + HeadEnd.Length).ToArray();
                    _start += head.Length;
                    return head;
                }
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                if (_end == _buffer.Length) return null;
                var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), token);
                if (read == 0) return null;
                _end += read;
            }
        }

        /// <summary>Forwards exactly <paramref name="count"/> bytes (fewer if the client closes), inverting the byte at <paramref name="flipAt"/> (-1: none).</summary>
        public async Task CopyAsync(Socket target, long count, CancellationToken token, long flipAt = -1)
        {
            long sent = 0;
            while (count > 0)
            {
                if (_start == _end)
                {
                    _start = _end = 0;
                    var read = await socket.ReceiveAsync(_buffer.AsMemory(0, (int)Math.Min(_buffer.Length, count)), token);
                    if (read == 0) return;
                    _end = read;
                }
                var take = (int)Math.Min(count, _end - _start);
                if (flipAt >= sent && flipAt < sent + take) _buffer[_start + (int)(flipAt - sent)] ^= 0xFF;
                await target.SendAsync(_buffer.AsMemory(_start, take), token);
                _start += take;
                count -= take;
                sent += take;
            }
        }

        public async Task DiscardAsync(long count, CancellationToken token)
        {
            while (count > 0)
            {
                if (_start == _end)
                {
                    _start = _end = 0;
                    var read = await socket.ReceiveAsync(_buffer.AsMemory(0, (int)Math.Min(_buffer.Length, count)), token);
                    if (read == 0) return;
                    _end = read;
                }
                var take = (int)Math.Min(count, _end - _start);
                _start += take;
                count -= take;
            }
        }

        public async Task CopyRestAsync(Socket target, CancellationToken token)
        {
            if (_end > _start) await target.SendAsync(_buffer.AsMemory(_start, _end - _start), token);
            _start = _end = 0;
            while (true)
            {
                var read = await socket.ReceiveAsync(_buffer, token);
                if (read == 0) return;
                await target.SendAsync(_buffer.AsMemory(0, read), token);
            }
        }

        public async Task DiscardUntilClosedAsync(CancellationToken token)
        {
            _start = _end = 0;
            while (await socket.ReceiveAsync(_buffer, token) > 0)
            {
            }
        }
    }
}
