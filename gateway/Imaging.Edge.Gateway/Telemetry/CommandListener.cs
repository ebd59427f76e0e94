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
/// twice (same request id) is answered twice but executed once.
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
        if (!TryParse(message, out var args, out requestId, out var claimedActor, out var parseError))
        {
            outcome = CommandOutcome.Failure("bad-arguments", parseError);
        }
        else
        {
            var request = CommandRequest.Create(name, requestId, args, Actor(message, claimedActor));
            requestId = request.RequestId;
            outcome = await Once(request, cancellationToken).ConfigureAwait(false);
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

    private Task<CommandOutcome> Once(CommandRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var key = request.Name + "\n" + request.RequestId;
            if (_recent.TryGetValue(key, out var running)) return running;
            var task = dispatcher.ExecuteAsync(request, cancellationToken);
            _recent[key] = task;
            _recentOrder.Enqueue(key);
            if (_recentOrder.Count > RememberedRequests) _recent.Remove(_recentOrder.Dequeue());
            return task;
        }
    }

    /// <summary>
    /// MQTT does not tell a subscriber who published; the requester names itself in the user properties
    /// <c>client-id</c> / <c>username</c> (or <c>actor</c> in the payload). The broker's ACLs decide who may publish.
    /// </summary>
    private static string Actor(MqttApplicationMessage message, string? claimed)
    {
        string? Property(string name) => message.UserProperties?.FirstOrDefault(p => p.Name == name)?.ReadValueAsString();
        var client = Clean(Property("client-id")) ?? Clean(claimed) ?? "unknown";
        var user = Clean(Property("username"));
        return user is null ? $"mqtt:{client}" : $"mqtt:{client}/{user}";
    }

    private static string? Clean(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : new string(value.Where(c => !char.IsControl(c)).Take(64).ToArray());

    private static bool TryParse(MqttApplicationMessage message, out JsonElement? args, out string? requestId, out string? actor, out string error)
    {
        args = null;
        requestId = null;
        actor = null;
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
            return true;
        }
        catch (JsonException)
        {
            error = "the payload is not valid JSON";
            return false;
        }
    }
}
