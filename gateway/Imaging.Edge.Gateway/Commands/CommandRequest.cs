using System.Globalization;
using System.Text.Json;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// One command call, as read from MQTT or the control socket. <see cref="Args"/> is a JSON object (empty when none
/// were given). <see cref="Actor"/> is set by <see cref="CommandDispatcher"/> from what <see cref="CommandAuthorizer"/>
/// verified (<c>mqtt:signed:alice</c>, <c>mqtt:unverified (claimed ...)</c>, <c>local:user</c>), never by a transport.
/// </summary>
internal sealed record CommandRequest(string Name, string RequestId, JsonElement Args)
{
    private const int MaxRequestIdLength = 64;
    private static readonly JsonElement NoArgs = JsonDocument.Parse("{}").RootElement.Clone();

    public string Actor { get; init; } = "";

    /// <summary>
    /// The request as both transports build it: a missing request id is made up; a given one is kept to 64 characters
    /// without control characters (it is echoed, logged and audited).
    /// </summary>
    public static CommandRequest Create(string name, string? requestId, JsonElement? args)
    {
        var id = requestId is null ? "" : new string(requestId.Where(c => !char.IsControl(c)).Take(MaxRequestIdLength).ToArray());
        return new(name, string.IsNullOrWhiteSpace(id) ? Guid.NewGuid().ToString("N") : id, args is { ValueKind: JsonValueKind.Object } a ? a : NoArgs);
    }

    /// <summary>A request whose actor is already known (a command run in-process, as tests do); transports use the overload without.</summary>
    public static CommandRequest Create(string name, string? requestId, JsonElement? args, string actor) =>
        Create(name, requestId, args) with { Actor = actor };

    /// <summary>A required string argument; <see cref="CommandException"/> (bad-arguments) if absent or empty.</summary>
    public string RequiredString(string name) =>
        OptionalString(name) is { Length: > 0 } value ? value : throw CommandException.BadArguments($"argument '{name}' is required");

    public string? OptionalString(string name)
    {
        if (!Args.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw CommandException.BadArguments($"argument '{name}' must be a string");
    }

    public bool OptionalBool(string name, bool fallback = false)
    {
        if (!Args.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => throw CommandException.BadArguments($"argument '{name}' must be true or false"),
        };
    }

    public long? OptionalInt64(string name)
    {
        if (!Args.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)) return number;
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number)) return number;
        throw CommandException.BadArguments($"argument '{name}' must be a whole number");
    }
}
