using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Control;

/// <summary>
/// The local control socket's protocol: one request per connection, one JSON object per line each way.
/// Request <c>{"command": "retry-failed", "requestId": "...", "args": {...}}</c>; answer as on MQTT
/// (<c>{"requestId", "command", "ok", "result" | "error": {"code", "message"}}</c>).
/// </summary>
internal static class ControlProtocol
{
    public const string SocketFileName = "control.sock";

    /// <summary>A request line longer than this is refused before it is buffered further.</summary>
    public const int MaxLineBytes = Commands.CommandCodec.MaxRequestBytes;

    public static string SocketPath(string dataDir) => Path.Combine(dataDir, SocketFileName);

    /// <summary>Reads one line (without the newline). Null if the peer closed first; <see cref="InvalidDataException"/> if too long.</summary>
    public static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        using var line = new MemoryStream();
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0) return line.Length == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
            var newline = Array.IndexOf(buffer, (byte)'\n', 0, read);
            var take = newline < 0 ? read : newline;
            if (line.Length + take > MaxLineBytes)
                throw new InvalidDataException($"control request longer than {MaxLineBytes} bytes");
            line.Write(buffer, 0, take);
            if (newline >= 0) return Encoding.UTF8.GetString(line.ToArray());
        }
    }

    public static async Task WriteLineAsync(Stream stream, JsonNode message, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
