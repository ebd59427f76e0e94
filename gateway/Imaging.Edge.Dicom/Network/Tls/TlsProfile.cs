using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Imaging.Edge.Dicom.Network.Tls;

/// <summary>
/// What both our TLS ends negotiate: the Non-Downgrading BCP 195 profile of PS3.15 §B.10 (RFC 9325): TLS 1.2 and 1.3
/// only, and only AEAD suites with forward secrecy. TLS 1.0/1.1, RSA key exchange, CBC and RC4 are never offered or
/// accepted.
/// </summary>
internal static class TlsProfile
{
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>The suites of RFC 9325 §4.2 (and the TLS 1.3 ones), strongest first. Null where the platform cannot restrict them (not Linux).</summary>
    public static CipherSuitesPolicy? CipherSuites { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
        ? new CipherSuitesPolicy(
        [
            TlsCipherSuite.TLS_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
            TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
        ])
        : null;

    /// <summary>Why <paramref name="certificate"/> is not a valid client certificate under <paramref name="tls"/>; null when it is.</summary>
    public static string? CheckClientCertificate(X509Certificate? certificate, X509Chain? presentedChain, ServerTls tls)
    {
        if (certificate is null)
            return tls.RequireClientCertificate ? "no client certificate" : null;
        if (tls.ClientCa is null)
            return "a client certificate but no client CA configured";
        return CheckChain(certificate, presentedChain, tls.ClientCa, ClientAuthentication, "client");
    }

    /// <summary>Why the server's certificate is not trusted under <paramref name="tls"/>; null when it is.</summary>
    public static string? CheckServerCertificate(X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors, ClientTls tls)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return "no server certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return "the server certificate does not name the host";
        if (tls.TrustedCa is null)
            return errors == SslPolicyErrors.None ? null : "the server certificate is not trusted by the system";
        return CheckChain(certificate, presentedChain, tls.TrustedCa, ServerAuthentication, "server");
    }

    /// <summary>Builds the chain against <paramref name="roots"/> alone (no system roots), now, without revocation (no network on a hospital LAN).</summary>
    private static string? CheckChain(X509Certificate certificate, X509Chain? presentedChain, X509Certificate2Collection roots, Oid usage, string side)
    {
        using var copy = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        if (presentedChain is not null)
            foreach (var element in presentedChain.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (chain.Build(copy ?? (X509Certificate2)certificate))
            return null;
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        return flags switch
        {
            _ when flags.HasFlag(X509ChainStatusFlags.NotTimeValid) => $"the {side} certificate has expired or is not valid yet",
            _ when flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain)
                => $"the {side} certificate is not issued by a trusted CA",
            _ when flags.HasFlag(X509ChainStatusFlags.NotValidForUsage) => $"the {side} certificate is not meant for {side} authentication",
            _ => $"the {side} certificate is not valid ({flags})",
        };
    }
}
