using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>An operator's MQTT 5 client: publishes commands with a response topic and correlation data and collects the answers.</summary>
internal sealed class MqttRequester : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly string _responseTopic;
    private readonly List<(byte[]? Correlation, string Topic, JsonElement Payload)> _answers = [];

    private MqttRequester(IMqttClient client, string responseTopic)
    {
        _client = client;
        _responseTopic = responseTopic;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var json = JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.Clone();
            lock (_answers) _answers.Add((e.ApplicationMessage.CorrelationData, e.ApplicationMessage.Topic, json));
            return Task.CompletedTask;
        };
    }

    public string ClientId { get; private init; } = "";

    public static async Task<MqttRequester> ConnectAsync(int port, string responseTopic, string alsoSubscribe = "")
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var clientId = "ops-" + Guid.NewGuid().ToString("N")[..8];
        var requester = new MqttRequester(client, responseTopic) { ClientId = clientId };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(clientId).Build());
        await client.SubscribeAsync(responseTopic, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        if (alsoSubscribe.Length > 0)
            await client.SubscribeAsync(alsoSubscribe, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        return requester;
    }

    /// <summary>Publishes a raw payload to a command topic; returns the correlation data used (null: none sent).</summary>
    public async Task<byte[]?> SendRawAsync(string topic, string payload, bool withResponseTopic = true, string? username = "alice")
    {
        var correlation = withResponseTopic ? Guid.NewGuid().ToByteArray() : null;
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithUserProperty("client-id", System.Text.Encoding.UTF8.GetBytes(ClientId).AsMemory());
        if (username is not null) builder.WithUserProperty("username", System.Text.Encoding.UTF8.GetBytes(username).AsMemory());
        if (withResponseTopic) builder.WithResponseTopic(_responseTopic).WithCorrelationData(correlation!);
        await _client.PublishAsync(builder.Build());
        return correlation;
    }

    /// <summary>Sends a command and waits for the answer with the same correlation data.</summary>
    public async Task<JsonElement> RequestAsync(string commandTopic, string requestId, string argsJson = "{}", TimeSpan? timeout = null)
    {
        var correlation = await SendRawAsync(commandTopic, $$"""{"requestId": "{{requestId}}", "args": {{argsJson}}}""");
        return await WaitForAnswerAsync(a => a.Correlation is not null && a.Correlation.AsSpan().SequenceEqual(correlation), timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Sends a payload as it is (e.g. a signed request) and waits for the answer with the same correlation data.</summary>
    public async Task<JsonElement> RequestRawAsync(string commandTopic, string payload, TimeSpan? timeout = null)
    {
        var correlation = await SendRawAsync(commandTopic, payload);
        return await WaitForAnswerAsync(a => a.Correlation is not null && a.Correlation.AsSpan().SequenceEqual(correlation), timeout ?? TimeSpan.FromSeconds(30));
    }

    public async Task<JsonElement> WaitForAnswerAsync(Func<(byte[]? Correlation, string Topic, JsonElement Payload), bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            lock (_answers)
                foreach (var answer in _answers)
                    if (match(answer)) return answer.Payload;
            await Task.Delay(50);
        }
        lock (_answers)
            Assert.Fail($"no matching answer within {timeout}; got:\n{string.Join("\n", _answers.Select(a => $"{a.Topic} {a.Payload}"))}");
        return default;
    }

    public int AnswersWithCorrelation(byte[] correlation)
    {
        lock (_answers) return _answers.Count(a => a.Correlation is not null && a.Correlation.AsSpan().SequenceEqual(correlation));
    }

    public static string Text(JsonElement json) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(json));

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}
