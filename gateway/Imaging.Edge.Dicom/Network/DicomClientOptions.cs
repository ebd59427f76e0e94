namespace Imaging.Edge.Dicom.Network;

/// <summary>How the association requestor reaches its peer.</summary>
public sealed record DicomClientOptions
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    public string CallingAeTitle { get; init; } = "IMAGING_EDGE";
    public string CalledAeTitle { get; init; } = "ANY-SCP";

    /// <summary>Largest P-DATA-TF PDU we accept from the peer.</summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    /// <summary>Connect over TLS (PS3.15 Annex B, the server's TLS port); null: plain TCP.</summary>
    public Tls.ClientTls? Tls { get; init; }

    /// <summary>How long the TCP connection, and then the TLS handshake, may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait for any answer of the peer (association, response, release).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
