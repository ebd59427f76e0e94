using System.Globalization;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Telemetry;
using MQTTnet;
using MQTTnet.Protocol;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// The broker takes the gateway: a CONNECT with the gateway's own settings (<see cref="MqttConnectionOptions"/>: MQTT
/// 5, TLS, CA, client certificate, password), a SUBSCRIBE to our command topic (<c>{prefix}/cmd/+</c>) that must be
/// granted, and a QoS 1 PUBLISH under our prefix (<c>{prefix}/doctor</c>) that must be acknowledged and come back.
/// Its own client id (<c>{id}-doctor</c>), a clean session and no Last Will: the running gateway's session and its
/// retained status are left alone.
/// </summary>
internal static class MqttCheck
{
    public const string Name = "mqtt";

    public static async Task<CheckResult> RunAsync(EdgeConfiguration configuration, string? credentialsDirectory, CancellationToken cancellationToken)
    {
        var mqtt = configuration.Mqtt;
        if (!mqtt.Enabled)
            return CheckResult.Skip(Name, "not configured (Mqtt:Host is empty): events go to the log only");
        var broker = string.Create(CultureInfo.InvariantCulture, $"{mqtt.Host}:{mqtt.Port}{(mqtt.UseTls ? " (TLS)" : "")}");
        var prefix = mqtt.ResolvedTopicPrefix(configuration.Gateway);
        MqttClientOptions options;
        try
        {
            if (!string.IsNullOrEmpty(mqtt.Username) && string.IsNullOrEmpty(mqtt.PasswordFile))
                mqtt.PasswordFile = CredentialFiles.Locate(null, "mqtt-password", credentialsDirectory).Path;
            options = MqttConnectionOptions.Build(mqtt, mqtt.ResolvedClientId(configuration.Gateway) + "-doctor", prefix + "/doctor", []);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return CheckResult.Fail(Name, $"{broker}: settings unusable: {SafeText.Printable(e.Message)}", "see the credentials line; check Mqtt CaFile, ClientCertificateFile, ClientKeyFile");
        }
        options.CleanSession = true;
        options.SessionExpiryInterval = 0;
        options.WillTopic = null;
        options.WillRetain = false;

        var factory = new MqttClientFactory();
        using var client = factory.CreateMqttClient();
        var probeTopic = $"{prefix}/doctor/{Guid.NewGuid():N}";
        var echoed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == probeTopic) echoed.TrySetResult();
            return Task.CompletedTask;
        };
        var step = "connect";
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(20));
            var connected = await client.ConnectAsync(options, deadline.Token);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
                return CheckResult.Fail(Name, $"{broker}: CONNECT refused: {connected.ResultCode}", Hint(connected.ResultCode.ToString()));
            step = "subscribe";
            var subscribed = await client.SubscribeAsync(factory.CreateSubscribeOptionsBuilder()
                .WithTopicFilter(prefix + "/cmd/+", MqttQualityOfServiceLevel.AtLeastOnce, noLocal: true, retainAsPublished: false, MqttRetainHandling.DoNotSendOnSubscribe)
                .WithTopicFilter(probeTopic, MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), deadline.Token);
            var commandGrant = subscribed.Items.First().ResultCode;
            if (commandGrant > MqttClientSubscribeResultCode.GrantedQoS2)
                return CheckResult.Fail(Name, $"{broker}: SUBSCRIBE {prefix}/cmd/+ refused: {commandGrant}", $"the broker's ACL must let this gateway read {prefix}/cmd/+");
            step = "publish";
            var published = await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(probeTopic)
                .WithPayload("{\"probe\":\"doctor\"}"u8.ToArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), deadline.Token);
            if (published.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
                return CheckResult.Fail(Name, $"{broker}: PUBLISH under {prefix}/ refused: {published.ReasonCode}", $"the broker's ACL must let this gateway write {prefix}/#");
            var echo = subscribed.Items.Skip(1).First().ResultCode <= MqttClientSubscribeResultCode.GrantedQoS2;
            if (echo)
            {
                step = "receive the probe back";
                await echoed.Task.WaitAsync(deadline.Token);
            }
            await client.DisconnectAsync(cancellationToken: CancellationToken.None);
            return CheckResult.Ok(Name, $"{broker}: connected (MQTT 5), subscribed to {prefix}/cmd/+, published {(echo ? "and received " : "")}a probe under {prefix}/doctor");
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException
                                       or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            var refused = e is MQTTnet.Adapter.MqttConnectingFailedException;
            return CheckResult.Fail(Name, $"{broker}: {step} failed: {(refused ? "refused: " : "")}{SafeText.Printable(e.Message)}",
                refused ? Hint(e.Message) : $"cannot reach the broker: check Mqtt:Host and Port, DNS, the firewall (outbound {mqtt.Port.ToString(CultureInfo.InvariantCulture)}) and TLS settings");
        }
    }

    private static string Hint(string code) =>
        code.Contains("NotAuthorized", StringComparison.Ordinal) || code.Contains("BadUserNameOrPassword", StringComparison.Ordinal)
            ? "the broker refused our credentials: check Mqtt:Username, the mqtt-password credential and the client certificate"
            : "the broker refused the connection: ask its operator (client id, ACL, protocol version 5)";
}
