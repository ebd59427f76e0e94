namespace Imaging.Edge.Gateway.Configuration;

/// <summary>
/// Section <c>Mqtt:Commands</c>: who may do what over MQTT (docs/telemetry.md, "Who may give a command"). Destructive
/// commands (<c>erase-patient</c>) are off; when on, each request must be signed by one of <see cref="Operators"/>.
/// </summary>
internal sealed class MqttCommandOptions
{
    /// <summary>False (default): destructive commands are refused over MQTT, signed or not.</summary>
    public bool AllowDestructive { get; set; }

    /// <summary>A signed request's timestamp may differ this much from the gateway's clock (either way); its request id is remembered as long.</summary>
    public int MaxClockSkewSeconds { get; set; } = 300;

    /// <summary>The operators whose signatures the gateway accepts, each a name and an ECDSA P-256 public key.</summary>
    public List<OperatorKeyOptions> Operators { get; set; } = [];
}

/// <summary>One entry of <c>Mqtt:Commands:Operators</c>: the name the audit records and the public key (PEM SubjectPublicKeyInfo).</summary>
internal sealed class OperatorKeyOptions
{
    /// <summary>1-64 letters, digits, '.', '-' or '_'; the audit's actor is <c>mqtt:signed:{Name}</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The PEM text itself (<c>-----BEGIN PUBLIC KEY-----</c> ...); or give <see cref="PublicKeyFile"/>.</summary>
    public string? PublicKey { get; set; }

    /// <summary>A file holding the PEM; or give <see cref="PublicKey"/>.</summary>
    public string? PublicKeyFile { get; set; }
}
