using System.Security.Cryptography.X509Certificates;

namespace Imaging.Edge.Dicom.Network.Tls;

/// <summary>TLS for the association requestor (our SCU): which servers it trusts and the certificate it shows.</summary>
public sealed record ClientTls
{
    /// <summary>CAs the server's certificate must chain to; null: the system's trusted roots.</summary>
    public X509Certificate2Collection? TrustedCa { get; init; }

    /// <summary>Our certificate with its private key, for servers that authenticate their callers; null: none.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The name the server's certificate must carry; null: the host connected to.</summary>
    public string? ServerName { get; init; }
}
