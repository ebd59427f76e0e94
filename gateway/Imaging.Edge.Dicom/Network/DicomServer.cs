using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// The association acceptor: listens, and serves each connection as a <see cref="ServerAssociation"/> on its own task.
/// A connection takes one of <see cref="DicomServerOptions.MaxAssociations"/> slots only once its A-ASSOCIATE-RQ is
/// accepted; one more acceptable request is answered with a transient A-ASSOCIATE-RJ (local limit exceeded). Until
/// then it counts against a pending budget of its own (<see cref="DicomServerOptions.MaxPendingConnections"/>; when
/// full, the connection waiting longest is closed), and every connection counts against its remote address's cap
/// (<see cref="DicomServerOptions.MaxConnectionsPerAddress"/>); a connection beyond it is closed at once.
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
    private readonly ConnectionBudget _budget;
    private long _nextId;
    private long _acceptedAt; // Environment.TickCount64 while the loop handles a connection it accepted; 0 while it waits
    private long _lastRefusalLog = -1000; // Environment.TickCount64 starts at 0: the first refusal is logged
    private int _refusedSinceLog;

    public DicomServer(DicomServerOptions options, IStoreHandler handler, ILogger<DicomServer> logger)
    {
        _options = options;
        _handler = handler;
        _logger = logger;
        _budget = new ConnectionBudget(options.MaxAssociations, options.MaxPendingConnections, options.MaxConnectionsPerAddress);
    }

    /// <summary>The address actually bound (useful with port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    /// <summary>Associations established now (each holds a slot).</summary>
    public int ActiveAssociations => _budget.Associations;

    /// <summary>Connections open now, associated or not.</summary>
    public int OpenConnections => _budget.Connections;

    /// <summary>
    /// How long the accept loop has been busy with the connection it accepted last: zero while it waits for the next one
    /// (idle is healthy), null when the loop is not running although the server was started and not stopped (it ended
    /// on an exception nobody expected). For a watchdog: a loop busy for long is wedged.
    /// </summary>
    public TimeSpan? AcceptLoopBusyFor
    {
        get
        {
            if (_stopping.IsCancellationRequested) return TimeSpan.Zero;
            if (_acceptLoop is null || _acceptLoop.IsCompleted) return null;
            var since = Volatile.Read(ref _acceptedAt);
            return since == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Environment.TickCount64 - since);
        }
    }

    /// <summary>Binds (or takes the handed-over listener) and starts accepting. Throws <see cref="SocketException"/> when the port cannot be bound.</summary>
    public void Start()
    {
        var listener = _options.Listener ?? Bind();
        _listener = listener;
        DicomServerLog.Listening(_logger, listener.LocalEndPoint!, _options.AeTitle);
        _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
    }

    private Socket Bind()
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
        return listener;
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                Volatile.Write(ref _acceptedAt, 0);
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
                Volatile.Write(ref _acceptedAt, Math.Max(1, Environment.TickCount64));
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

            var remote = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
            var lease = _budget.TryAdmit(remote.Address, socket.Dispose, out var refusal);
            if (lease is null)
            {
                LogRefusal(remote, refusal!);
                socket.Dispose();
                continue;
            }
            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _nextId);
            var association = new ServerAssociation(socket, id, lease, _options, _handler, _logger);
            Track(RunAsync(association, lease, stopping));
        }
    }

    /// <summary>At most one line a second: a flood of connections must not become a flood of log lines.</summary>
    private void LogRefusal(IPEndPoint remote, string reason)
    {
        var now = Environment.TickCount64;
        if (now - _lastRefusalLog < 1000)
        {
            _refusedSinceLog++;
            return;
        }
        DicomServerLog.ConnectionRefused(_logger, remote, reason, _refusedSinceLog);
        _lastRefusalLog = now;
        _refusedSinceLog = 0;
    }

    private static async Task RunAsync(ServerAssociation association, ConnectionBudget.ConnectionLease lease, CancellationToken stopping)
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
            lease.Dispose();
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
