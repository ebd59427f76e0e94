namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Section <c>Mqtt</c>: telemetry to central operations. An empty <see cref="Host"/> turns telemetry off.</summary>
internal sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>The broker's host name or address; empty: no telemetry.</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 1883;

    /// <summary>Prefix of every topic; <c>{site}</c> and <c>{gateway}</c> are replaced by the gateway's identifiers.</summary>
    public string TopicPrefix { get; set; } = "imaging-edge/v1/{site}/{gateway}";

    /// <summary>How often the retained status is published again while connected.</summary>
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>The MQTT client id; empty: the gateway id.</summary>
    public string ClientId { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public string ResolvedTopicPrefix(GatewayOptions gateway) =>
        TopicPrefix.Replace("{site}", gateway.SiteId, StringComparison.Ordinal).Replace("{gateway}", gateway.GatewayId, StringComparison.Ordinal).TrimEnd('/');

    public string ResolvedClientId(GatewayOptions gateway) => string.IsNullOrWhiteSpace(ClientId) ? gateway.GatewayId : ClientId;
}
