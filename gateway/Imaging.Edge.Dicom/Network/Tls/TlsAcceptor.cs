using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Imaging.Edge.Dicom.Network.Tls;

/// <summary>
/// The server side of a TLS connection: the certificate context is built once per listener, the handshake runs per
/// connection inside the association's ARTIM time (a client that stalls the handshake is cut off like one that never
/// sends its A-ASSOCIATE-RQ, and counts against the same pending-connection budget meanwhile).
/// </summary>
internal sealed class TlsAcceptor(ServerTls tls)
{
    private readonly SslStreamCertificateContext _context = SslStreamCertificateContext.Create(tls.Certificate, tls.Intermediates, offline: true);

    public ServerTls Settings => tls;

    /// <summary>
    /// Authenticates <paramref name="transport"/> as the server. Returns the encrypted stream (owning the transport) and
    /// the client's certificate, if any. Throws <see cref="TlsHandshakeException"/> with a loggable reason;
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> (ARTIM) fires first.
    /// </summary>
    public async Task<(SslStream Stream, X509Certificate2? ClientCertificate)> AuthenticateAsync(Stream transport, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _context,
            EnabledSslProtocols = TlsProfile.Protocols,
            CipherSuitesPolicy = TlsProfile.CipherSuites,
            // Asked for whenever a client CA is configured; whether it is mandatory is decided in the callback.
            ClientCertificateRequired = tls.ClientCa is not null,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                refusal = TlsProfile.CheckClientCertificate(certificate, chain, tls);
                return refusal is null;
            },
        };
        var stream = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException e)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new TlsHandshakeException(refusal ?? Describe(e), e);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new TlsHandshakeException(refusal ?? "the client closed the connection during the handshake", e);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var client = stream.RemoteCertificate is null ? null
            : stream.RemoteCertificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(stream.RemoteCertificate.GetRawCertData());
        return (stream, client);
    }

    /// <summary>OpenSSL's words for a refused protocol version or suite are in the innermost exception; they name no secret.</summary>
    private static string Describe(AuthenticationException e)
    {
        var inner = e.GetBaseException();
        return inner == e ? e.Message : $"{e.Message} ({inner.Message})";
    }
}
