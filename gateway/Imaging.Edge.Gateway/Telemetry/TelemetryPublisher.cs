using System.Reflection;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>
/// Tells central operations how the gateway is doing over MQTT: a retained status (online with queue figures every
/// heartbeat; offline on a clean stop; offline by Last Will when the connection drops) and the outbox events at QoS 1,
/// each deleted only after the broker's PUBACK. A broker that is down delays telemetry and nothing else: start-up does
/// not wait for it and reconnection backs off exponentially up to 30 s.
/// </summary>
internal sealed class TelemetryPublisher(
    EdgeConfiguration configuration, InstanceQueue queue, TimeProvider clock, ILogger<TelemetryPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan DrainEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly MqttOptions _options = configuration.Mqtt;
    private readonly string _prefix = configuration.Mqtt.ResolvedTopicPrefix(configuration.Gateway);
    private readonly string _clientId = configuration.Mqtt.ResolvedClientId(configuration.Gateway);
    private readonly DateTimeOffset _started = clock.GetUtcNow();
    private readonly string _version = typeof(TelemetryPublisher).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private long _statusSeq;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // start-up never waits for the broker
        var backoff = TimeSpan.FromSeconds(1);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await TryConnectAsync(stoppingToken))
                {
                    TelemetryLog.ConnectFailed(logger, _options.Host, _options.Port, "connect failed", backoff.TotalSeconds);
                    await Task.Delay(backoff, clock, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    continue;
                }
                backoff = TimeSpan.FromSeconds(1);
                TelemetryLog.Connected(logger, _options.Host, _options.Port, _clientId, _prefix);
                await RunConnectedAsync(stoppingToken);
                if (!stoppingToken.IsCancellationRequested)
                    TelemetryLog.ConnectionLost(logger);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_client.IsConnected) return;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await PublishStatusAsync(TelemetryMessages.Offline(clock.GetUtcNow(), NextSeq(), "shutdown"), timeout.Token);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
            TelemetryLog.Stopped(logger);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            TelemetryLog.StopPublishFailed(logger, e);
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    private async Task<bool> TryConnectAsync(CancellationToken stoppingToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(_clientId)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(ConnectTimeout)
            .WithWillTopic(TelemetryMessages.StatusTopic(_prefix))
            .WithWillPayload(TelemetryMessages.Offline(clock.GetUtcNow(), 0, "connection lost"))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await _client.ConnectAsync(options, stoppingToken);
            return result.ResultCode == MqttClientConnectResultCode.Success;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or System.Net.Sockets.SocketException
                                       && !stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Status now and every heartbeat; the outbox every half second; returns when the connection is gone.</summary>
    private async Task RunConnectedAsync(CancellationToken stoppingToken)
    {
        var heartbeat = TimeSpan.FromSeconds(_options.HeartbeatSeconds);
        var nextStatus = DateTimeOffset.MinValue;
        try
        {
            while (_client.IsConnected && !stoppingToken.IsCancellationRequested)
            {
                if (clock.GetUtcNow() >= nextStatus)
                {
                    var now = clock.GetUtcNow();
                    await PublishStatusAsync(TelemetryMessages.Online(now, NextSeq(), _version, now - _started, queue.Stats()), stoppingToken);
                    nextStatus = now + heartbeat;
                }
                await DrainOutboxAsync(stoppingToken);
                await Task.Delay(DrainEvery, clock, stoppingToken);
            }
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The connection dropped mid-publish: the rows not acknowledged stay in the outbox.
        }
    }

    private async Task DrainOutboxAsync(CancellationToken stoppingToken)
    {
        while (_client.IsConnected)
        {
            var batch = queue.OutboxBatch();
            if (batch.Count == 0) return;
            foreach (var outboxEvent in batch)
            {
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(TelemetryMessages.EventsTopic(_prefix))
                    .WithPayload(TelemetryMessages.Event(outboxEvent))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                var result = await _client.PublishAsync(message, stoppingToken);
                if (!result.IsSuccess)
                {
                    TelemetryLog.EventNotAcknowledged(logger, outboxEvent.Id, result.ReasonCode.ToString());
                    return;
                }
                queue.DeleteOutbox(outboxEvent.Id);
            }
        }
    }

    private async Task PublishStatusAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(TelemetryMessages.StatusTopic(_prefix))
            .WithPayload(payload)
            .WithRetainFlag(true)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await _client.PublishAsync(message, cancellationToken);
    }

    private long NextSeq() => Interlocked.Increment(ref _statusSeq);
}
