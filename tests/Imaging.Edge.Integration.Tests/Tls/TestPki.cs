using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imaging.Edge.Dicom.Network.Tls;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Tls;

/// <summary>A certificate and its key as PEM files (what dcmtk's <c>+tls KEY CERT</c> and the gateway's configuration take).</summary>
internal sealed record PemPair(string CertificateFile, string KeyFile, X509Certificate2 Certificate);

/// <summary>
/// A small PKI made for one test in a temporary folder with .NET's CertificateRequest: a site CA, the gateway's server
/// certificate (127.0.0.1 and localhost), device certificates (valid, expired, from another CA), as PEM files.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private readonly TemporaryDirectory _folder = new();

    public TestPki()
    {
        Ca = CreateCa("Imaging Edge test site CA", "ca");
        OtherCa = CreateCa("Someone else's CA", "other-ca");
        Server = Issue(Ca, "IMAGING_EDGE", "server", ServerAuth, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), withAddresses: true);
    }

    public PemPair Ca { get; }
    public PemPair OtherCa { get; }
    public PemPair Server { get; }

    public string Folder => _folder.Path;

    /// <summary>A device's client certificate; its common name is the AE title it may use when titles are bound.</summary>
    public PemPair Client(string commonName, bool fromOtherCa = false, bool expired = false) =>
        Issue(fromOtherCa ? OtherCa : Ca, commonName, $"client-{commonName}{(fromOtherCa ? "-other" : "")}{(expired ? "-expired" : "")}", ClientAuth,
            expired ? DateTimeOffset.UtcNow.AddDays(-30) : DateTimeOffset.UtcNow.AddDays(-1),
            expired ? DateTimeOffset.UtcNow.AddDays(-1) : DateTimeOffset.UtcNow.AddDays(30), withAddresses: false);

    /// <summary>A server certificate valid for <paramref name="notBefore"/>..<paramref name="notAfter"/> (for the start-up warning).</summary>
    public PemPair ServerValid(DateTimeOffset notBefore, DateTimeOffset notAfter, string name) =>
        Issue(Ca, "IMAGING_EDGE", name, ServerAuth, notBefore, notAfter, withAddresses: true);

    /// <summary>The TLS settings of a receiver that requires client certificates of <see cref="Ca"/>.</summary>
    public ServerTls ServerSettings(bool requireClientCertificate = true, bool bindAeTitle = false) => new()
    {
        Certificate = X509Certificate2.CreateFromPemFile(Server.CertificateFile, Server.KeyFile),
        ClientCa = [X509CertificateLoader.LoadCertificateFromFile(Ca.CertificateFile)],
        RequireClientCertificate = requireClientCertificate,
        BindClientCertificateToAeTitle = bindAeTitle,
    };

    private PemPair CreateCa(string commonName, string fileName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Outlives every certificate a test asks it for: a year, read a second later for a server certificate "valid a
        // year", went past the CA's own end and .NET refused to issue it (a CI run failed that way).
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddYears(5));
        return Write(certificate, key, fileName);
    }

    private PemPair Issue(PemPair issuer, string commonName, string fileName, Oid usage, DateTimeOffset notBefore, DateTimeOffset notAfter, bool withAddresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (withAddresses)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        using var issuerCertificate = X509Certificate2.CreateFromPemFile(issuer.CertificateFile, issuer.KeyFile);
        using var issued = request.Create(issuerCertificate, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return Write(issued, key, fileName);
    }

    private PemPair Write(X509Certificate2 certificate, ECDsa key, string fileName)
    {
        var certificateFile = _folder.Combine(fileName + ".crt");
        var keyFile = _folder.Combine(fileName + ".key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        return new PemPair(certificateFile, keyFile, X509CertificateLoader.LoadCertificate(certificate.RawData));
    }

    public void Dispose() => _folder.Dispose();
}
