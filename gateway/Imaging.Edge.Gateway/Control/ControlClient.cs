using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Control;

/// <summary>The command line's side of the control socket.</summary>
internal static class ControlClient
{
    /// <summary>
    /// Sends one command to the gateway running on <paramref name="dataDir"/> and returns its answer, or null when no
    /// gateway is listening there (no socket file, or nobody accepts).
    /// </summary>
    public static async Task<JsonObject?> TrySendAsync(string dataDir, string command, JsonObject? args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var path = ControlProtocol.SocketPath(dataDir);
        if (!File.Exists(path)) return null;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), deadline.Token).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            if (e.SocketErrorCode == SocketError.AccessDenied)
                throw new UnauthorizedAccessException($"no permission to use {path}: run as the service user or a member of its group");
            return null;
        }
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var request = new JsonObject { ["command"] = command, ["requestId"] = Guid.NewGuid().ToString("N"), ["args"] = args ?? new JsonObject() };
        await ControlProtocol.WriteLineAsync(stream, request, deadline.Token).ConfigureAwait(false);
        var line = await ControlProtocol.ReadLineAsync(stream, deadline.Token).ConfigureAwait(false)
            ?? throw new IOException("the gateway closed the control connection without answering");
        return JsonNode.Parse(line) as JsonObject ?? throw new IOException("the gateway's answer is not a JSON object");
    }
}
