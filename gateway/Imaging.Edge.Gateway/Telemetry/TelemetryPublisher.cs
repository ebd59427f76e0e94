using Imaging.Edge.Gateway.Commands;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using Imaging.Edge.Gateway.Health;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>
/// Tells central operations how the gateway is doing over MQTT: the retained status (on change, at most every 2 s,
/// and at least every heartbeat; offline on a clean stop; offline by Last Will when the connection drops), a
/// heartbeat, the last hour in one-minute points (retained, <see cref="TelemetryHistory"/>), the outbox events at QoS 1 (each deleted only after the broker's PUBACK), warnings and errors from the
/// log (rate-limited), and commands with their answers. A broker that is down delays telemetry and nothing else:
/// start-up does not wait for it and reconnection backs off exponentially up to 30 s.
/// </summary>
internal sealed class TelemetryPublisher(
    EdgeConfiguration configuration,
    OutboxStore outbox,
    StatusReader statusReader,
    CommandDispatcher dispatcher,
    LogForwarder logs,
    TimeProvider clock,
    ILogger<TelemetryPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan StatusDebounce = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TrimEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefusedEventPause = TimeSpan.FromSeconds(10);

    /// <summary>How long a stop lets a publish in flight finish before it is cut (<see cref="PublishAsync(MqttApplicationMessage, CancellationToken)"/>).</summary>
    private static readonly TimeSpan PublishGrace = TimeSpan.FromSeconds(3);
    private const double LogsPerSecond = 5;
    private const double LogBurst = 20;

    private readonly MqttOptions _options = configuration.Mqtt;
    private readonly string _prefix = configuration.Mqtt.ResolvedTopicPrefix(configuration.Gateway);
    private readonly string _clientId = configuration.Mqtt.ResolvedClientId(configuration.Gateway);
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private CommandListener? _commands;
    private long _statusSeq;
    private long _heartbeatSeq;
    private long _logSeq;
    private long _historySeq;
    private readonly TelemetryHistory _history = new();
    private readonly CancellationTokenSource _publishStop = new();
    private volatile bool _torn;
    private long _logsDroppedReported;
    private readonly LogRate _logRate = new(LogsPerSecond, LogBurst, clock.GetUtcNow());
    private DateTimeOffset _lastTrim = DateTimeOffset.MinValue;
    private DateTimeOffset _drainAfter = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // start-up never waits for the broker
        _commands = new CommandListener(dispatcher, _prefix);
        _client.ApplicationMessageReceivedAsync += e =>
        {
            // Answer off the client's receive loop: a long command (an erasure) must not hold up PUBACKs or pings.
            _ = Task.Run(() => AnswerAsync(e.ApplicationMessage, stoppingToken), stoppingToken);
            return Task.CompletedTask;
        };
        var backoff = TimeSpan.FromSeconds(1);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TrimOutbox();
                if (await TryConnectAsync(stoppingToken) is { } failure)
                {
                    TelemetryLog.ConnectFailed(logger, _options.Host, _options.Port, failure, backoff.TotalSeconds);
                    await Task.Delay(backoff, clock, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    continue;
                }
                backoff = TimeSpan.FromSeconds(1);
                TelemetryLog.Connected(logger, _options.Host, _options.Port, _clientId, _prefix);
                try
                {
                    await RunConnectedAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Nobody expected it (the soak met MQTTnet's own state errors): telemetry must not stop the host,
                    // nor stay dead; it says so and connects again.
                    TelemetryLog.LoopFault(logger, e, e.GetType().Name, backoff.TotalSeconds);
                    await Task.Delay(backoff, clock, stoppingToken);
                    continue;
                }
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
        _publishStop.CancelAfter(PublishGrace);
        await base.StopAsync(cancellationToken);
        // A publish cut half-way may have left a torn packet: nothing more on this connection, not even DISCONNECT, so
        // the broker drops it and publishes the Last Will (offline) instead of reading our next packet as its payload.
        if (!_client.IsConnected || _torn) return;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await PublishStatusAsync(Offline("shutdown", Interlocked.Increment(ref _statusSeq)), timeout.Token);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
            TelemetryLog.Stopped(logger);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            TelemetryLog.StopPublishFailed(logger, e.GetType().Name);
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        _publishStop.Dispose();
        base.Dispose();
    }

    private byte[] Offline(string reason, long seq) =>
        TelemetryMessages.Offline(clock.GetUtcNow(), seq, configuration.Gateway.SiteId, configuration.Gateway.GatewayId, reason);

    /// <summary>Connects and subscribes to the command topics. Null when connected, else why not (no secrets in it).</summary>
    private async Task<string?> TryConnectAsync(CancellationToken stoppingToken)
    {
        MqttClientOptions options;
        try
        {
            // Read at each attempt: a password file or certificate fixed on the box is picked up without a restart.
            options = MqttConnectionOptions.Build(_options, _clientId, TelemetryMessages.StatusTopic(_prefix), Offline("connection lost", 0));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            // A broken telemetry setting must cost telemetry only, never receiving or uploading.
            TelemetryLog.SettingsUnusable(logger, e.GetType().Name, e.Message);
            return "settings unusable";
        }
        try
        {
            var result = await _client.ConnectAsync(options, stoppingToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success) return "refused: " + result.ResultCode;
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(_commands!.Filter, MqttQualityOfServiceLevel.AtLeastOnce, noLocal: true, retainAsPublished: false, MqttRetainHandling.DoNotSendOnSubscribe)
                .Build(), stoppingToken);
            return null;
        }
        // InvalidOperationException: MQTTnet's own state after a lost connection ("connect/disconnect is pending",
        // "after the connection is established"), seen when the broker restarts (tests/soak); uncaught it stopped the host.
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException
                                       or InvalidOperationException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
        {
            TelemetryLog.ConnectError(logger, e.GetType().Name, e.Message);
            try
            {
                if (_client.IsConnected)
                    await _client.DisconnectAsync(cancellationToken: CancellationToken.None);
            }
            catch (Exception d) when (d is MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                // the connection died under the disconnect (broken pipe, seen in tests/soak): it is gone either way
            }
            // MQTTnet reports a refused CONNECT (bad password, not authorised) as an exception whose message has the code.
            return e is MQTTnet.Adapter.MqttConnectingFailedException ? "refused: " + e.Message : e.GetType().Name;
        }
    }

    /// <summary>Status, heartbeat, events and logs until the connection is gone.</summary>
    private async Task RunConnectedAsync(CancellationToken stoppingToken)
    {
        var heartbeat = TimeSpan.FromSeconds(_options.HeartbeatSeconds);
        var nextHeartbeat = DateTimeOffset.MinValue;
        var nextStatusCheck = DateTimeOffset.MinValue;
        string? published = null;
        var historyPublished = false;
        try
        {
            while (_client.IsConnected && !stoppingToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                if (now >= nextStatusCheck)
                {
                    var status = statusReader.Read();
                    var signature = TelemetryMessages.Signature(status);
                    if (signature != published || now >= nextHeartbeat)
                    {
                        await PublishStatusAsync(TelemetryMessages.Status(now, Interlocked.Increment(ref _statusSeq), status), stoppingToken);
                        published = signature;
                    }
                    // on connect, then each time a minute closes: the retained copy is at most a minute behind
                    if (_history.Observe(now, status) || !historyPublished)
                    {
                        await PublishHistoryAsync(now, stoppingToken);
                        historyPublished = true;
                    }
                    if (now >= nextHeartbeat)
                    {
                        await PublishAsync(TelemetryMessages.HeartbeatTopic(_prefix), TelemetryMessages.Heartbeat(now, ++_heartbeatSeq, status),
                            MqttQualityOfServiceLevel.AtMostOnce, stoppingToken);
                        nextHeartbeat = now + heartbeat;
                    }
                    nextStatusCheck = now + StatusDebounce;
                }
                await DrainOutboxAsync(stoppingToken);
                await ForwardLogsAsync(stoppingToken);
                TrimOutbox();
                await Task.Delay(Tick, clock, stoppingToken);
            }
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The connection dropped mid-publish: the rows not acknowledged stay in the outbox.
        }
    }

    private async Task DrainOutboxAsync(CancellationToken stoppingToken)
    {
        if (clock.GetUtcNow() < _drainAfter) return;
        while (_client.IsConnected)
        {
            var batch = outbox.Batch();
            if (batch.Count == 0) return;
            foreach (var outboxEvent in batch)
            {
                var result = await PublishAsync(TelemetryMessages.EventsTopic(_prefix), TelemetryMessages.Event(outboxEvent), MqttQualityOfServiceLevel.AtLeastOnce, stoppingToken);
                if (!result.IsSuccess)
                {
                    // Refused (e.g. not authorised on this topic): try again later, not four times a second.
                    TelemetryLog.EventNotAcknowledged(logger, outboxEvent.Id, result.ReasonCode.ToString());
                    _drainAfter = clock.GetUtcNow() + RefusedEventPause;
                    return;
                }
                outbox.Delete(outboxEvent.Id);
            }
        }
    }

    /// <summary>Forwards log lines while the rate allows; the rest are dropped and counted in the next line sent.</summary>
    private async Task ForwardLogsAsync(CancellationToken stoppingToken)
    {
        while (logs.Lines.TryRead(out var line))
        {
            if (!_logRate.TryTake(clock.GetUtcNow()))
            {
                logs.Drops.LogsDropped(1);
                continue;
            }
            var droppedTotal = logs.Drops.Snapshot().LogsDropped;
            var dropped = droppedTotal - _logsDroppedReported;
            _logsDroppedReported = droppedTotal;
            await PublishAsync(TelemetryMessages.LogsTopic(_prefix, line.Level), TelemetryMessages.Log(++_logSeq, line, dropped), MqttQualityOfServiceLevel.AtMostOnce, stoppingToken);
        }
    }

    private void TrimOutbox()
    {
        var now = clock.GetUtcNow();
        if (now - _lastTrim < TrimEvery) return;
        _lastTrim = now;
        var dropped = outbox.Trim(_options.OutboxMaxEvents);
        if (dropped > 0)
        {
            logs.Drops.EventsDropped(dropped);
            TelemetryLog.EventsDropped(logger, dropped, _options.OutboxMaxEvents);
        }
    }

    private async Task AnswerAsync(MqttApplicationMessage request, CancellationToken stoppingToken)
    {
        try
        {
            if (await _commands!.HandleAsync(request, clock, stoppingToken) is { } answer)
                await PublishAsync(answer, stoppingToken);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            TelemetryLog.AnswerFailed(logger, e.GetType().Name);
        }
    }

    private Task PublishHistoryAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        PublishAsync(TelemetryMessages.HistoryTopic(_prefix),
            _history.Payload(now, ++_historySeq, _options.Commands.AllowDestructive, _options.Commands.Operators.Select(o => o.Name)),
            MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken, retain: true);

    private Task PublishStatusAsync(byte[] payload, CancellationToken cancellationToken) =>
        PublishAsync(TelemetryMessages.StatusTopic(_prefix), payload, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken, retain: true);

    private Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos, CancellationToken cancellationToken, bool retain = false) =>
        PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(qos)
            .WithContentType("application/json")
            .Build(), cancellationToken);

    /// <summary>
    /// Every publish goes through here. The caller's token is checked before the publish starts but not handed to the
    /// client: MQTTnet writes the packet with it, and a write cancelled half-way leaves a torn packet on the connection
    /// whose declared length swallows the next packet (the long soak recorded the shutdown status inside an event's
    /// payload). A stop gives a publish in flight <see cref="PublishGrace"/> to finish; one cut after that marks the
    /// connection torn.
    /// </summary>
    private async Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await _client.PublishAsync(message, _publishStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_publishStop.IsCancellationRequested)
        {
            _torn = true;
            throw;
        }
    }
}
