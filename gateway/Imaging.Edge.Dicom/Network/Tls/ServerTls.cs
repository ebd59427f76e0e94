using System.Security.Cryptography.X509Certificates;

namespace Imaging.Edge.Dicom.Network.Tls;

/// <summary>
/// The TLS listener of the association acceptor (PS3.15 Annex B, secure transport connection profiles): its port, the
/// server's certificate with its private key, and how calling devices are authenticated by their certificates.
/// </summary>
public sealed record ServerTls
{
    /// <summary>The TLS port, beside (or instead of) the plain one; 0 binds a free port (tests).</summary>
    public int Port { get; init; }

    /// <summary>The server certificate with its private key.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>Intermediate CA certificates sent with <see cref="Certificate"/> (the rest of its PEM file).</summary>
    public X509Certificate2Collection Intermediates { get; init; } = [];

    /// <summary>
    /// CAs a client certificate must chain to (the only roots trusted for clients; the system store is not used). Null:
    /// no client certificate is asked for.
    /// </summary>
    public X509Certificate2Collection? ClientCa { get; init; }

    /// <summary>A connection without a valid client certificate is refused during the handshake (needs <see cref="ClientCa"/>).</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>
    /// The calling AE title must equal the common name (CN) of the client certificate: a device authenticated by its
    /// certificate cannot speak as another device. An association whose title differs is rejected (calling AE title
    /// not recognised).
    /// </summary>
    public bool BindClientCertificateToAeTitle { get; init; }
}
