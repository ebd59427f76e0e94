using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// A consumer the way a fleet backend would run one: a fixed client id, a persistent MQTT 5 session and QoS 1, so
/// that messages queued by the broker while it is away (or the broker restarts) arrive when it is back. It
/// reconnects by itself and keeps every message it got.
/// </summary>
internal sealed class ReconnectingSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly List<JsonElement> _messages = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ReconnectingSubscriber(int port, string topicFilter)
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var json = JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.Clone();
            lock (_messages) _messages.Add(json);
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("fleet-" + Guid.NewGuid().ToString("N")[..8]).WithCleanStart(false).WithSessionExpiryInterval(600).Build();
        _loop = Task.Run(async () =>
        {
            var subscribed = false;
            while (!_stop.IsCancellationRequested)
            {
                if (!_client.IsConnected)
                {
                    try
                    {
                        var result = await _client.ConnectAsync(options, _stop.Token);
                        if (!subscribed || !result.IsSessionPresent)
                        {
                            await _client.SubscribeAsync(topicFilter, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce, _stop.Token);
                            subscribed = true;
                        }
                        Connections++;
                    }
                    catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
                    {
                    }
                }
                try { await Task.Delay(50, _stop.Token); } catch (OperationCanceledException) { }
            }
        });
    }

    public int Connections { get; private set; }

    public bool IsConnected => _client.IsConnected;

    public static ReconnectingSubscriber Start(int port, string topicFilter) => new(port, topicFilter);

    public IReadOnlyList<JsonElement> Messages { get { lock (_messages) return _messages.ToList(); } }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
        _stop.Dispose();
    }
}
