using System.Net;
using System.Net.Sockets;
using Imaging.Edge.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// The association acceptor: listens, and serves each connection as a <see cref="ServerAssociation"/> on its own task.
/// A connection takes one of <see cref="DicomServerOptions.MaxAssociations"/> slots only once its A-ASSOCIATE-RQ is
/// accepted; one more acceptable request is answered with a transient A-ASSOCIATE-RJ (local limit exceeded). Until
/// then it counts against a pending budget of its own (<see cref="DicomServerOptions.MaxPendingConnections"/>; when
/// full, the connection waiting longest is closed), and every connection counts against its remote address's cap
/// (<see cref="DicomServerOptions.MaxConnectionsPerAddress"/>); a connection beyond it is closed at once. The plain and
/// the TLS listener (<see cref="DicomServerOptions.Tls"/>) each have their own accept loop and share these budgets.
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private readonly DicomServerOptions _options;
    private readonly IStoreHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _connections = [];
    private readonly List<AcceptLoop> _loops = [];
    private readonly ConnectionBudget _budget;
    private long _nextId;
    private long _lastRefusalLog = -1000; // Environment.TickCount64 starts at 0: the first refusal is logged
    private int _refusedSinceLog;

    public DicomServer(DicomServerOptions options, IStoreHandler handler, ILogger<DicomServer> logger)
    {
        _options = options;
        _handler = handler;
        _logger = logger;
        _budget = new ConnectionBudget(options.MaxAssociations, options.MaxPendingConnections, options.MaxConnectionsPerAddress);
    }

    /// <summary>The plain listener's address actually bound (useful with port 0).</summary>
    public IPEndPoint LocalEndPoint => Bound(tls: false);

    /// <summary>The TLS listener's address actually bound.</summary>
    public IPEndPoint TlsLocalEndPoint => Bound(tls: true);

    private IPEndPoint Bound(bool tls) =>
        (IPEndPoint)(_loops.FirstOrDefault(l => (l.Tls is not null) == tls)?.Listener.LocalEndPoint ?? throw new InvalidOperationException("not listening"));

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
            if (_loops.Count == 0) return null;
            var busiest = TimeSpan.Zero;
            foreach (var loop in _loops)
            {
                if (loop.Running is null || loop.Running.IsCompleted) return null;
                var since = Volatile.Read(ref loop.AcceptedAt);
                if (since != 0) busiest = TimeSpan.FromMilliseconds(Math.Max(busiest.TotalMilliseconds, Environment.TickCount64 - since));
            }
            return busiest;
        }
    }

    /// <summary>
    /// Binds (or takes the handed-over listener) and, with <see cref="DicomServerOptions.Tls"/>, the TLS port, then starts
    /// accepting. Throws <see cref="SocketException"/> when a port cannot be bound (nothing is left listening then).
    /// </summary>
    public void Start()
    {
        try
        {
            if (_options.ServePlain)
                _loops.Add(new AcceptLoop(_options.Listener ?? Bind(_options.Port), null));
            if (_options.Tls is { } tls)
                _loops.Add(new AcceptLoop(Bind(tls.Port), new TlsAcceptor(tls)));
        }
        catch
        {
            foreach (var loop in _loops) loop.Listener.Dispose();
            _loops.Clear();
            throw;
        }
        foreach (var loop in _loops)
        {
            if (loop.Tls is null) DicomServerLog.Listening(_logger, loop.Listener.LocalEndPoint!, _options.AeTitle);
            else DicomServerLog.ListeningTls(_logger, loop.Listener.LocalEndPoint!, _options.AeTitle, loop.Tls.Settings.ClientCa is null ? "none"
                : loop.Tls.Settings.RequireClientCertificate ? "required" : "optional");
            loop.Running = AcceptLoopAsync(loop, _stopping.Token);
        }
    }

    private Socket Bind(int port)
    {
        var listener = new Socket(_options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(_options.BindAddress, port));
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return listener;
    }

    private async Task AcceptLoopAsync(AcceptLoop loop, CancellationToken stopping)
    {
        var listener = loop.Listener;
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                Volatile.Write(ref loop.AcceptedAt, 0);
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
                Volatile.Write(ref loop.AcceptedAt, Math.Max(1, Environment.TickCount64));
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
            var association = new ServerAssociation(socket, loop.Tls, id, lease, _options, _handler, _logger);
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
        foreach (var loop in _loops)
        {
            loop.Listener.Dispose();
            if (loop.Running is not null) await loop.Running.ConfigureAwait(false);
        }
        Task[] open;
        lock (_gate) open = [.. _connections];
        await Task.WhenAll(open).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>One listening socket and its loop; <see cref="Tls"/> is null for the plain port.</summary>
    private sealed class AcceptLoop(Socket listener, TlsAcceptor? tls)
    {
        public Socket Listener { get; } = listener;
        public TlsAcceptor? Tls { get; } = tls;
        public Task? Running { get; set; }
        public long AcceptedAt; // Environment.TickCount64 while the loop handles a connection it accepted; 0 while it waits
    }
}
