using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imaging.Edge.Dicom.Network.Tls;
using Imaging.Edge.Gateway.Configuration;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>
/// Reads <c>Dicom:Tls</c>'s files when the gateway starts: the server certificate (and intermediates), its key (from the
/// named file or the systemd credential), the client CA. Every problem is a <see cref="ConfigurationException"/> naming
/// the key and the file, never the contents. A server certificate outside its validity dates is a warning, not a
/// refusal: a box whose clock is not set yet at boot, or whose certificate lapsed, must still start, serve the plain
/// port and upload what it holds; the TLS devices are refused by their own check and the log says why.
/// </summary>
internal static class DicomTlsCredentials
{
    /// <summary>How early a certificate running out is reported.</summary>
    public static readonly TimeSpan ExpiryNotice = TimeSpan.FromDays(30);

    public static ServerTls? Load(DicomTlsOptions tls, ILogger logger, TimeProvider time)
    {
        if (!tls.Enabled) return null;
        var problems = new List<string>();
        var certificatePath = Locate("Dicom:Tls:CertificateFile", tls.CertificateFile, DicomTlsOptions.CertificateCredential, problems);
        var keyPath = Locate("Dicom:Tls:KeyFile", tls.KeyFile, DicomTlsOptions.KeyCredential, problems);
        var chain = certificatePath is null ? null : ReadCertificates("Dicom:Tls:CertificateFile", certificatePath, problems);
        var key = keyPath is null ? null : ReadKey("Dicom:Tls:KeyFile", keyPath, problems);
        var clientCa = string.IsNullOrEmpty(tls.ClientCaFile) ? null : ReadCertificates("Dicom:Tls:ClientCaFile", tls.ClientCaFile, problems);
        X509Certificate2? certificate = null;
        if (chain is not null && key is not null)
        {
            var leaf = chain[0];
            if (!KeyMatches(leaf, key))
                problems.Add($"Dicom:Tls:KeyFile: the key does not belong to the certificate of Dicom:Tls:CertificateFile ({keyPath}, {certificatePath})");
            else
                certificate = key switch
                {
                    RSA rsa => leaf.CopyWithPrivateKey(rsa),
                    ECDsa ecdsa => leaf.CopyWithPrivateKey(ecdsa),
                    _ => throw new InvalidOperationException("unexpected key type"),
                };
        }
        key?.Dispose();
        if (problems.Count > 0)
            throw new ConfigurationException(problems);
        WarnAboutDates(certificate!, logger, time.GetUtcNow().UtcDateTime);
        return new ServerTls
        {
            Port = tls.Port,
            Certificate = certificate!,
            Intermediates = [.. chain!.Skip(1)],
            ClientCa = clientCa,
            RequireClientCertificate = tls.RequireClientCertificate,
            BindClientCertificateToAeTitle = tls.BindAeTitleToCertificate,
        };
    }

    /// <summary>The named file, else the systemd credential; null and a problem when neither can be (not started by systemd).</summary>
    private static string? Locate(string key, string? file, string credential, List<string> problems)
    {
        if (!string.IsNullOrEmpty(file)) return file;
        if (Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } credentials)
            return Path.Combine(credentials, credential);
        problems.Add($"{key}: not given, and no systemd credential '{credential}' ($CREDENTIALS_DIRECTORY is not set: name the file, or start the gateway from its unit with LoadCredential=)");
        return null;
    }

    /// <summary>Whether <paramref name="key"/> is the private key of <paramref name="certificate"/> (their public keys are equal).</summary>
    internal static bool KeyMatches(X509Certificate2 certificate, AsymmetricAlgorithm key) =>
        certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo());

    /// <summary>The PEM certificates of <paramref name="path"/>, or null and a problem naming <paramref name="key"/> and the file (never the contents).</summary>
    internal static X509Certificate2Collection? ReadCertificates(string key, string path, List<string> problems)
    {
        if (ReadText(key, path, problems) is not { } pem) return null;
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            problems.Add($"{key}: not a PEM certificate file ({path})");
            return null;
        }
        if (certificates.Count == 0)
        {
            problems.Add($"{key}: holds no PEM certificate (-----BEGIN CERTIFICATE-----) ({path})");
            return null;
        }
        return certificates;
    }

    /// <summary>An unencrypted PEM private key, RSA or EC (PKCS#8, PKCS#1 or SEC1); the file's mode is its protection.</summary>
    internal static AsymmetricAlgorithm? ReadKey(string key, string path, List<string> problems)
    {
        if (ReadText(key, path, problems) is not { } pem) return null;
        if (pem.Contains("ENCRYPTED", StringComparison.Ordinal))
        {
            problems.Add($"{key}: the key is encrypted; give it unencrypted (openssl pkey -in KEY -out KEY.plain) and protect the file (mode 0600) ({path})");
            return null;
        }
        foreach (var create in new Func<AsymmetricAlgorithm>[] { RSA.Create, ECDsa.Create })
        {
            var algorithm = create();
            try
            {
                switch (algorithm)
                {
                    case RSA rsa: rsa.ImportFromPem(pem); break;
                    case ECDsa ecdsa: ecdsa.ImportFromPem(pem); break;
                }
                return algorithm;
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                algorithm.Dispose();
            }
        }
        problems.Add($"{key}: not a readable PEM private key (RSA or EC, unencrypted) ({path})");
        return null;
    }

    private static string? ReadText(string key, string path, List<string> problems)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            problems.Add($"{key}: file not found ({path})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{key}: cannot be read: {e.GetType().Name} ({path})");
        }
        return null;
    }

    private static void WarnAboutDates(X509Certificate2 certificate, ILogger logger, DateTime now)
    {
        if (DateProblem(certificate, now, out _) is { } problem)
            DicomTlsLog.ServerCertificateDates(logger, problem);
    }

    /// <summary>
    /// What is wrong with the server certificate's dates at <paramref name="now"/> (UTC), or null; <paramref name="unusable"/>:
    /// TLS devices refuse it now (expired or not valid yet), rather than soon (less than <see cref="ExpiryNotice"/> left).
    /// </summary>
    internal static string? DateProblem(X509Certificate2 certificate, DateTime now, out bool unusable)
    {
        var notBefore = certificate.NotBefore.ToUniversalTime();
        var notAfter = certificate.NotAfter.ToUniversalTime();
        unusable = now > notAfter || now < notBefore;
        if (now > notAfter)
            return $"expired on {Date(notAfter)}: TLS devices will refuse the gateway";
        if (now < notBefore)
            return $"not valid before {Date(notBefore)} (is the clock set?): TLS devices will refuse the gateway";
        if (notAfter - now < ExpiryNotice)
            return $"expires on {Date(notAfter)}: renew it (docs/security.md)";
        return null;
    }

    internal static string Date(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
