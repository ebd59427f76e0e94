using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Commands;
using MQTTnet;
using MQTTnet.Packets;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>
/// Turns <c>{prefix}/cmd/{name}</c> messages into dispatcher calls and answers each one — on the request's MQTT 5
/// response topic with its correlation data, or on <c>{prefix}/cmd/{name}/response</c>. A QoS 1 request delivered
/// twice (same request id and signature) is answered twice but executed once. Who may do what is decided by
/// <see cref="CommandAuthorizer"/> from the claimed publisher and the request's <c>auth</c> signature, if any.
/// </summary>
internal sealed class CommandListener(CommandDispatcher dispatcher, string prefix)
{
    private const int RememberedRequests = 256;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Task<CommandOutcome>> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private long _seq;

    public string Filter => prefix + "/cmd/+";

    /// <summary>The answer to publish for one received message, or null if the topic is not a command topic.</summary>
    public async Task<MqttApplicationMessage?> HandleAsync(MqttApplicationMessage message, TimeProvider clock, CancellationToken cancellationToken)
    {
        var commandPrefix = prefix + "/cmd/";
        if (!message.Topic.StartsWith(commandPrefix, StringComparison.Ordinal)) return null;
        var name = message.Topic[commandPrefix.Length..];
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal)) return null;

        string? requestId = null;
        CommandOutcome outcome;
        if (!TryParse(message, out var args, out requestId, out var claimedActor, out var signature, out var parseError))
        {
            outcome = CommandOutcome.Failure("bad-arguments", parseError);
        }
        else
        {
            var request = CommandRequest.Create(name, requestId, args);
            requestId = request.RequestId;
            outcome = await Once(request, new CommandCaller.Mqtt(Claimed(message, claimedActor), signature), cancellationToken).ConfigureAwait(false);
        }

        var answer = new JsonObject
        {
            ["requestId"] = requestId,
            ["command"] = name,
            ["ok"] = outcome.Ok,
        };
        if (outcome.Ok)
            answer["result"] = outcome.Result?.DeepClone();
        else
            answer["error"] = new JsonObject { ["code"] = outcome.ErrorCode, ["message"] = outcome.ErrorMessage };
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(string.IsNullOrEmpty(message.ResponseTopic) ? message.Topic + "/response" : message.ResponseTopic)
            .WithPayload(StatusJson.Payload(clock.GetUtcNow(), Interlocked.Increment(ref _seq), answer))
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json");
        if (message.CorrelationData is { Length: > 0 } correlation)
            builder.WithCorrelationData(correlation);
        return builder.Build();
    }

    /// <summary>
    /// A redelivery (same command, request id and signature) shares the first delivery's answer. Another signature
    /// under a used request id is a new request, which the authorizer refuses as a replay.
    /// </summary>
    private Task<CommandOutcome> Once(CommandRequest request, CommandCaller.Mqtt caller, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var key = request.Name + "\n" + request.RequestId + "\n" + caller.Signature?.Signature;
            if (_recent.TryGetValue(key, out var running)) return running;
            var task = dispatcher.ExecuteAsync(request, caller, cancellationToken);
            _recent[key] = task;
            _recentOrder.Enqueue(key);
            if (_recentOrder.Count > RememberedRequests) _recent.Remove(_recentOrder.Dequeue());
            return task;
        }
    }

    /// <summary>
    /// MQTT does not tell a subscriber who published; the requester names itself in the user properties
    /// <c>client-id</c> / <c>username</c> (or <c>actor</c> in the payload). Only a claim: the audit marks it as one.
    /// </summary>
    private static string Claimed(MqttApplicationMessage message, string? claimed)
    {
        string? Property(string name) => message.UserProperties?.FirstOrDefault(p => p.Name == name)?.ReadValueAsString();
        var client = Clean(Property("client-id")) ?? Clean(claimed) ?? "unknown";
        var user = Clean(Property("username"));
        return user is null ? client : $"{client}/{user}";
    }

    private static string? Clean(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : new string(value.Where(c => !char.IsControl(c)).Take(64).ToArray());

    private static bool TryParse(MqttApplicationMessage message, out JsonElement? args, out string? requestId, out string? actor,
        out CommandSignature? signature, out string error)
    {
        args = null;
        requestId = null;
        actor = null;
        signature = null;
        error = "";
        if (message.Payload.IsEmpty) return true;
        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(message.Payload));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the payload must be a JSON object";
                return false;
            }
            if (root.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String) requestId = Clean(id.GetString());
            if (root.TryGetProperty("actor", out var who) && who.ValueKind == JsonValueKind.String) actor = who.GetString();
            if (root.TryGetProperty("args", out var a))
            {
                if (a.ValueKind != JsonValueKind.Object)
                {
                    error = "'args' must be a JSON object";
                    return false;
                }
                args = a.Clone();
            }
            if (root.TryGetProperty("auth", out var auth) && !TryReadSignature(auth, out signature))
            {
                error = "'auth' must be {\"operator\": string, \"timestamp\": Unix seconds, \"signature\": base64} (docs/telemetry.md, \"Signed commands\")";
                return false;
            }
            return true;
        }
        catch (JsonException)
        {
            error = "the payload is not valid JSON";
            return false;
        }
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
