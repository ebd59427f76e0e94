using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Imaging.Edge.Dicom.Network.Tls;

/// <summary>The client side of a TLS connection for our SCU: the same profile as the server, the server checked against the given CAs.</summary>
internal static class TlsConnector
{
    /// <summary>Authenticates as the client; the returned stream owns <paramref name="transport"/>. Throws <see cref="TlsHandshakeException"/>.</summary>
    public static async Task<SslStream> AuthenticateAsync(Stream transport, string host, ClientTls tls, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tls.ServerName ?? host,
            EnabledSslProtocols = TlsProfile.Protocols,
            CipherSuitesPolicy = TlsProfile.CipherSuites,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            ClientCertificateContext = tls.Certificate is null ? null : SslStreamCertificateContext.Create(tls.Certificate, null, offline: true),
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                refusal = TlsProfile.CheckServerCertificate(certificate, chain, errors, tls);
                return refusal is null;
            },
        };
        var stream = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new TlsHandshakeException(refusal ?? $"TLS handshake with {host} failed: {e.GetBaseException().Message}", e);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
