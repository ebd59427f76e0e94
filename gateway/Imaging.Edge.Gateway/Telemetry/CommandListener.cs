using System.Buffers;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Commands;
using MQTTnet;
using MQTTnet.Packets;
using Imaging.Edge.Gateway.Health;

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

        JsonObject answer;
        if (!CommandCodec.TryDecode(message.Payload.ToArray(), name, out var envelope, out var error))
        {
            answer = CommandCodec.Malformed(name, error);
        }
        else
        {
            var request = envelope!.Request;
            var outcome = await Once(request, new CommandCaller.Mqtt(Claimed(message, envelope.ClaimedActor), envelope.Signature), cancellationToken).ConfigureAwait(false);
            answer = CommandCodec.Answer(name, request.RequestId, outcome);
        }
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
}
