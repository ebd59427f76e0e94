namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Section <c>Mqtt</c>: telemetry to central operations. An empty <see cref="Host"/> turns MQTT off (events then go to the console log).</summary>
internal sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>The broker's host name or address; empty: no MQTT.</summary>
    public string Host { get; set; } = "";

    /// <summary>1883, or 8883 with TLS.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Prefix of every topic; <c>{site}</c> and <c>{gateway}</c> are replaced by the gateway's identifiers.</summary>
    public string TopicPrefix { get; set; } = "imaging-edge/v1/{site}/{gateway}";

    /// <summary>The status is published at least this often, and a heartbeat with it.</summary>
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>The MQTT client id; empty: the gateway id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>Empty: connect without user name.</summary>
    public string Username { get; set; } = "";

    /// <summary>File holding the password; empty with a user name: the systemd credential <c>mqtt-password</c>.</summary>
    public string? PasswordFile { get; set; }

    public bool UseTls { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate; empty: the system's trust store.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM certificate and key for client authentication; both or neither.</summary>
    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }

    /// <summary>How long the broker keeps our session (subscriptions, QoS 1 commands) while we are away.</summary>
    public int SessionExpirySeconds { get; set; } = 3600;

    /// <summary>Events kept for the broker at most; past it the oldest are dropped and the count is reported.</summary>
    public int OutboxMaxEvents { get; set; } = 100_000;

    /// <summary>Who may give which command over MQTT: destructive commands off unless enabled, and then signed.</summary>
    public MqttCommandOptions Commands { get; set; } = new();

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public string ResolvedTopicPrefix(GatewayOptions gateway) =>
        TopicPrefix.Replace("{site}", gateway.SiteId, StringComparison.Ordinal).Replace("{gateway}", gateway.GatewayId, StringComparison.Ordinal).TrimEnd('/');

    public string ResolvedClientId(GatewayOptions gateway) => string.IsNullOrWhiteSpace(ClientId) ? gateway.GatewayId : ClientId;
}
