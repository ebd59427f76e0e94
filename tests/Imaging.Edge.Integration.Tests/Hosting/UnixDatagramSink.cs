using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace Imaging.Edge.Integration.Tests.Hosting;

/// <summary>
/// A Unix datagram socket bound at a path, as systemd binds <c>NOTIFY_SOCKET</c> and journald its native socket: the
/// test owns it, the gateway writes to it. Read at once by a thread of its own, as systemd reads: a Unix datagram
/// socket queues only a few datagrams (net.unix.max_dgram_qlen, 10 by default), then the sender blocks.
/// </summary>
internal sealed class UnixDatagramSink : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly BlockingCollection<(byte[] Datagram, long ArrivedAt)> _unread = [];
    private readonly ConcurrentQueue<(byte[] Datagram, long ArrivedAt)> _all = new();
    private readonly Thread _reader;

    /// <param name="path">A file path, or <c>@name</c> for Linux's abstract namespace (as <c>NOTIFY_SOCKET</c> may name it).</param>
    public UnixDatagramSink(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path.StartsWith('@') ? "\0" + path[1..] : path));
        _reader = new Thread(Read) { IsBackground = true, Name = "datagram sink" };
        _reader.Start();
    }

    public string Path { get; }

    /// <summary>Every datagram that arrived so far, in order.</summary>
    public IReadOnlyList<byte[]> Received => _all.Select(d => d.Datagram).ToList();

    /// <summary>Datagrams that arrived after <paramref name="timestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public IReadOnlyList<byte[]> ReceivedAfter(long timestamp) => _all.Where(d => d.ArrivedAt > timestamp).Select(d => d.Datagram).ToList();

    /// <summary>Reads on until a datagram matches; fails with what did arrive (and <paramref name="context"/>) after <paramref name="timeout"/>.</summary>
    public byte[] WaitFor(Func<byte[], bool> match, TimeSpan timeout, Func<string> context)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_unread.TryTake(out var next, timeout - clock.Elapsed) && match(next.Datagram))
                return next.Datagram;
        }
        Assert.Fail($"no matching datagram on {Path} within {timeout}; received {_all.Count}, the last ones:\n" +
            string.Join("\n---\n", Received.TakeLast(20).Select(d => System.Text.Encoding.UTF8.GetString(d))) + "\n" + context());
        return [];
    }

    private void Read()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (true)
            {
                var length = _socket.Receive(buffer);
                var datagram = (buffer.AsSpan(0, length).ToArray(), Stopwatch.GetTimestamp());
                _all.Enqueue(datagram);
                _unread.Add(datagram);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // closed by Dispose
        }
    }

    public void Dispose()
    {
        _socket.Shutdown(SocketShutdown.Both);
        _socket.Dispose();
        _reader.Join(TimeSpan.FromSeconds(5));
        _unread.Dispose();
        if (!Path.StartsWith('@')) File.Delete(Path);
    }
}
