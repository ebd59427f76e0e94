using System.Net.Sockets;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Commands;
using Imaging.Edge.Gateway.Intake;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Control;

/// <summary>
/// The running gateway's local command door, <c>{DataDir}/control.sock</c> (owner and group only): the same commands
/// as MQTT, for a field engineer on the box (<c>imaging-edge control ...</c>). The caller is the peer's user as the
/// kernel reports it: destructive commands only for root and the user the gateway runs as, the others for the group
/// too (<see cref="CommandAuthorizer"/>). A bad request is answered with an error, never dropped silently.
/// </summary>
internal sealed class ControlSocketServer(DataLayout layout, CommandDispatcher dispatcher, ILogger<ControlSocketServer> logger) : BackgroundService
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Requests served at once; one more is answered "unavailable" and closed (a member of the group cannot tie up the gateway).</summary>
    public const int MaxConcurrentRequests = 16;

    private readonly SemaphoreSlim _serving = new(MaxConcurrentRequests);
    private Socket? _listener;

    public string SocketPath { get; } = ControlProtocol.SocketPath(layout.Root);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A socket file left by a killed gateway would make bind fail; nobody else can be listening on it because the
        // data folder belongs to one gateway (the queue would not open twice for writing either).
        File.Delete(SocketPath);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(SocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        _listener.Listen(16);
        ControlLog.Listening(logger, SocketPath);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Accepts until the gateway stops; a failed accept (no file descriptors left, say) is logged and retried.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = await _listener!.AcceptAsync(stoppingToken).ConfigureAwait(false);
                if (!_serving.Wait(0))
                {
                    _ = Task.Run(() => RefuseBusyAsync(connection, stoppingToken), stoppingToken);
                    continue;
                }
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await ServeAsync(connection, stoppingToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        _serving.Release();
                    }
                }, stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                ControlLog.AcceptFailed(logger, e, e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops accepting first (the accept loop ends on the token), then closes the socket and removes its file.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _listener?.Dispose();
        File.Delete(SocketPath);
    }

    private static async Task RefuseBusyAsync(Socket connection, CancellationToken stoppingToken)
    {
        using var owned = connection;
        await using var stream = new NetworkStream(connection, ownsSocket: false);
        // Take the request off the socket first (at most a second, one line), so that the client reads the answer
        // instead of failing to write; it is not run.
        try
        {
            using var read = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            read.CancelAfter(TimeSpan.FromSeconds(1));
            await ControlProtocol.ReadLineAsync(stream, read.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidDataException or IOException)
        {
        }
        var busy = CommandOutcome.Failure("unavailable", $"the control socket is serving {MaxConcurrentRequests} requests; try again");
        await TryWriteAsync(stream, CommandCodec.Answer(null, null, busy), stoppingToken).ConfigureAwait(false);
    }

    private async Task ServeAsync(Socket connection, CancellationToken stoppingToken)
    {
        using var owned = connection;
        await using var stream = new NetworkStream(connection, ownsSocket: false);
        var caller = PeerCredentials.CallerOf(connection) ?? new CommandCaller.Local("unknown", Privileged: false);
        try
        {
            string? line;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                timeout.CancelAfter(RequestTimeout);
                line = await ControlProtocol.ReadLineAsync(stream, timeout.Token).ConfigureAwait(false);
            }
            if (line is null) return;
            var answer = await AnswerAsync(line, caller, stoppingToken).ConfigureAwait(false);
            await ControlProtocol.WriteLineAsync(stream, answer, stoppingToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            await TryWriteAsync(stream, CommandCodec.Malformed(null, e.Message), stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
        {
            ControlLog.ConnectionFailed(logger, e.GetType().Name);
        }
    }

    private async Task<JsonObject> AnswerAsync(string line, CommandCaller caller, CancellationToken cancellationToken)
    {
        // The kernel named the caller: a claimed actor or a signature in the request changes nothing here.
        if (!CommandCodec.TryDecode(System.Text.Encoding.UTF8.GetBytes(line), name: null, out var envelope, out var error))
            return CommandCodec.Malformed(null, error);
        var request = envelope!.Request;
        var outcome = await dispatcher.ExecuteAsync(request, caller, cancellationToken).ConfigureAwait(false);
        return CommandCodec.Answer(request.Name, request.RequestId, outcome);
    }

    private static async Task TryWriteAsync(Stream stream, JsonObject answer, CancellationToken cancellationToken)
    {
        try
        {
            await ControlProtocol.WriteLineAsync(stream, answer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }
}
