using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>A command request as read from either transport, before it is authorized and run.</summary>
internal sealed record CommandEnvelope(CommandRequest Request, string? ClaimedActor, CommandSignature? Signature);

/// <summary>
/// The one wire format of operator commands, for MQTT and the control socket alike (docs/telemetry.md, "Commands").
/// Request: a JSON object <c>{"command"?, "requestId"?, "actor"?, "args"?: {...}, "auth"?: {...}}</c> (on MQTT the
/// name comes from the topic and an empty payload is a request without arguments). Answer:
/// <c>{"requestId", "command", "ok", "result" | "error": {"code", "message"}}</c>. Pure: no I/O, no logging.
/// </summary>
internal static class CommandCodec
{
    /// <summary>A request larger than this is refused before it is parsed (both transports; MQTT also tells the broker).</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>
    /// Reads a request. <paramref name="name"/> is the command named by the transport (the MQTT topic), or null to
    /// take it from the payload's <c>command</c>. False with an error text (safe to echo) for a malformed request.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, string? name, out CommandEnvelope? envelope, out string error)
    {
        envelope = null;
        error = "";
        if (payload.Length > MaxRequestBytes)
            return Fail($"the request is larger than {MaxRequestBytes / 1024} KiB", out error);
        if (payload.IsEmpty && name is not null)
        {
            envelope = new CommandEnvelope(CommandRequest.Create(name, null, null), null, null);
            return true;
        }
        // Utf8JsonReader does not check the bytes inside strings; GetString() would throw on them later, out of the
        // MQTT handler instead of an answer (found by tests/Imaging.Edge.Fuzz, target command).
        if (!System.Text.Unicode.Utf8.IsValid(payload))
            return Fail("the request is not valid UTF-8", out error);
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Fail("the request must be a JSON object", out error);
            if (name is null)
            {
                if (!root.TryGetProperty("command", out var command) || command.ValueKind != JsonValueKind.String || command.GetString() is not { Length: > 0 } named)
                    return Fail("the request must be a JSON object with a 'command'", out error);
                name = named;
            }
            var requestId = root.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            var actor = root.TryGetProperty("actor", out var who) && who.ValueKind == JsonValueKind.String ? who.GetString() : null;
            JsonElement? args = null;
            if (root.TryGetProperty("args", out var a))
            {
                if (a.ValueKind != JsonValueKind.Object) return Fail("'args' must be a JSON object", out error);
                args = a.Clone();
            }
            CommandSignature? signature = null;
            if (root.TryGetProperty("auth", out var auth) && !TryReadSignature(auth, out signature))
                return Fail("'auth' must be {\"operator\": string, \"timestamp\": Unix seconds, \"signature\": base64} (docs/telemetry.md, \"Signed commands\")", out error);
            envelope = new CommandEnvelope(CommandRequest.Create(name, requestId, args), actor, signature);
            return true;
        }
        catch (JsonException)
        {
            return Fail("the request is not valid JSON", out error);
        }
    }

    /// <summary>The answer to a request (<paramref name="name"/> and <paramref name="requestId"/> null when the request could not be read).</summary>
    public static JsonObject Answer(string? name, string? requestId, CommandOutcome outcome)
    {
        var answer = new JsonObject { ["requestId"] = requestId, ["command"] = name, ["ok"] = outcome.Ok };
        if (outcome.Ok)
            answer["result"] = outcome.Result?.DeepClone();
        else
            answer["error"] = new JsonObject { ["code"] = outcome.ErrorCode, ["message"] = outcome.ErrorMessage };
        return answer;
    }

    /// <summary>The answer to a request that could not be read at all.</summary>
    public static JsonObject Malformed(string? name, string error) => Answer(name, null, CommandOutcome.Failure("bad-arguments", error));

    private static bool Fail(string text, out string error)
    {
        error = text;
        return false;
    }

    private static bool TryReadSignature(JsonElement auth, out CommandSignature? signature)
    {
        signature = null;
        if (auth.ValueKind != JsonValueKind.Object
            || !auth.TryGetProperty("operator", out var name) || name.ValueKind != JsonValueKind.String
            || !auth.TryGetProperty("timestamp", out var time) || time.ValueKind != JsonValueKind.Number || !time.TryGetInt64(out var timestamp)
            || !auth.TryGetProperty("signature", out var value) || value.ValueKind != JsonValueKind.String)
            return false;
        signature = new CommandSignature(name.GetString()!, timestamp, value.GetString()!);
        return true;
    }
}
