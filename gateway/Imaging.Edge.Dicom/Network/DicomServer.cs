using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// The association acceptor: listens, and serves each connection as a <see cref="ServerAssociation"/> on its own task.
/// Connections beyond <see cref="DicomServerOptions.MaxAssociations"/> are still read far enough to answer with a
/// transient A-ASSOCIATE-RJ (local limit exceeded); beyond a hard ceiling they are closed at once.
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private readonly DicomServerOptions _options;
    private readonly IStoreHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _connections = [];
    private Socket? _listener;
    private Task? _acceptLoop;
    private long _nextId;
    private int _active;

    public DicomServer(DicomServerOptions options, IStoreHandler handler, ILogger<DicomServer> logger)
    {
        _options = options;
        _handler = handler;
        _logger = logger;
    }

    /// <summary>The address actually bound (useful with port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    /// <summary>Connections being served now.</summary>
    public int ActiveAssociations => Volatile.Read(ref _active);

    /// <summary>Binds and starts accepting. Throws <see cref="SocketException"/> when the port cannot be bound.</summary>
    public void Start()
    {
        var listener = new Socket(_options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(_options.BindAddress, _options.Port));
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        DicomServerLog.Listening(_logger, listener.LocalEndPoint!, _options.AeTitle);
        _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        var hardCeiling = _options.MaxAssociations + 16;
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // a connection reset before accept completed
            }

            socket.NoDelay = true;
            var active = Interlocked.Increment(ref _active);
            if (active > hardCeiling)
            {
                Interlocked.Decrement(ref _active);
                DicomServerLog.ConnectionRefused(_logger, socket.RemoteEndPoint!, active - 1);
                socket.Dispose();
                continue;
            }
            var id = Interlocked.Increment(ref _nextId);
            var association = new ServerAssociation(socket, id, active > _options.MaxAssociations, _options, _handler, _logger);
            Track(RunAsync(association, stopping));
        }
    }

    private async Task RunAsync(ServerAssociation association, CancellationToken stopping)
    {
        try
        {
            await Task.Yield();
            await association.RunAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private void Track(Task connection)
    {
        lock (_gate) _connections.Add(connection);
        connection.ContinueWith(t => { lock (_gate) _connections.Remove(t); }, TaskScheduler.Default);
    }

    /// <summary>Stops accepting, aborts open associations and waits for them to end.</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        Task[] open;
        lock (_gate) open = [.. _connections];
        await Task.WhenAll(open).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
