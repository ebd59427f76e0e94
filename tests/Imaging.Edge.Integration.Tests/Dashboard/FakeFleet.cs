using System.Text;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>A command request as a gateway would receive it.</summary>
internal sealed record CommandRequest(string Topic, string? ResponseTopic, byte[] CorrelationData, string Payload, IReadOnlyDictionary<string, string> UserProperties);

/// <summary>
/// Stands in for gateways on the broker (MQTT 5 over TCP): publishes their statuses, events and heartbeats as
/// docs/telemetry.md says, and keeps every command request sent to them so that the test can check and answer it.
/// </summary>
internal sealed class FakeFleet : IAsyncDisposable
{
    public const string Root = "imaging-edge/v1";
    private readonly IMqttClient _client;
    private readonly List<CommandRequest> _requests = [];

    private FakeFleet(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            var properties = (m.UserProperties ?? []).ToDictionary(p => p.Name, p => p.ReadValueAsString());
            lock (_requests) _requests.Add(new CommandRequest(m.Topic, m.ResponseTopic, m.CorrelationData ?? [], m.ConvertPayloadToString(), properties));
            return Task.CompletedTask;
        };
    }

    public static async Task<FakeFleet> ConnectAsync(int port)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var fleet = new FakeFleet(client);
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("fake-fleet-" + Guid.NewGuid().ToString("N")).WithTimeout(TimeSpan.FromSeconds(20)).Build();
        await client.ConnectAsync(options);
        await client.SubscribeAsync($"{Root}/+/+/cmd/+", MqttQualityOfServiceLevel.AtLeastOnce);
        return fleet;
    }

    public Task PublishStatusAsync(string site, string gateway, string json) => PublishAsync($"{Root}/{site}/{gateway}/status", json, retain: true);

    public Task PublishEventAsync(string site, string gateway, string json) => PublishAsync($"{Root}/{site}/{gateway}/events", json, retain: false);

    public Task PublishHeartbeatAsync(string site, string gateway, string json) => PublishAsync($"{Root}/{site}/{gateway}/heartbeat", json, retain: false);

    /// <summary>Any topic under the root, at QoS 0 when <paramref name="fast"/> (a fleet's heartbeats: no PUBACK to wait for).</summary>
    public Task PublishAsync(string topic, string json, bool retain, bool fast)
    {
        if (!fast) return PublishAsync(topic, json, retain);
        return _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(json)).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build());
    }

    /// <summary>Answers on a response topic the way the gateway does: same correlation data, JSON body.</summary>
    public async Task AnswerAsync(string responseTopic, byte[] correlationData, string json)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(responseTopic).WithPayload(json).WithCorrelationData(correlationData)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        await _client.PublishAsync(message);
    }

    /// <summary>Waits for the next command request on the topic; fails listing every request seen.</summary>
    public async Task<CommandRequest> WaitForCommandAsync(string topic, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            lock (_requests)
            {
                var request = _requests.FirstOrDefault(r => r.Topic == topic);
                if (request is not null) return request;
            }
            await Task.Delay(100);
        }
        lock (_requests)
            Assert.Fail($"no command on {topic} within {timeout}; received: {string.Join(", ", _requests.Select(r => r.Topic))}");
        return null!;
    }

    // QoS 1 even for heartbeats (QoS 0 on a gateway): a test must not lose the one message it waits for.
    private async Task PublishAsync(string topic, string json, bool retain)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(json)).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        await _client.PublishAsync(message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}
