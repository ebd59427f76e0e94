using System.Text.Json;
using MQTTnet;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>An MQTTnet client subscribed to a topic filter, keeping every message it receives (retained ones included).</summary>
internal sealed class MosquittoSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly List<(string Topic, string Payload, bool Retained)> _messages = [];

    private MosquittoSubscriber(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            lock (_messages) _messages.Add((e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
    }

    /// <summary>Connects (retrying while the broker is not up yet) and subscribes at QoS 1.</summary>
    public static async Task<MosquittoSubscriber> ConnectAsync(int port, string topicFilter, TimeSpan? timeout = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var subscriber = new MosquittoSubscriber(client);
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("test-" + Guid.NewGuid().ToString("N")).Build();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            try
            {
                await client.ConnectAsync(options);
                break;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
        await client.SubscribeAsync(topicFilter, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        return subscriber;
    }

    public IReadOnlyList<(string Topic, string Payload, bool Retained)> Messages { get { lock (_messages) return _messages.ToList(); } }

    /// <summary>Waits for a message on the topic whose JSON payload matches; fails listing everything received.</summary>
    public async Task<JsonElement> WaitForAsync(string topic, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var message in Messages.Where(m => m.Topic == topic))
            {
                var json = JsonDocument.Parse(message.Payload).RootElement;
                if (match(json)) return json;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"no matching message on {topic} within {timeout}; received:\n{string.Join("\n", Messages.Select(m => $"{m.Topic} {m.Payload}"))}");
        return default;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}
