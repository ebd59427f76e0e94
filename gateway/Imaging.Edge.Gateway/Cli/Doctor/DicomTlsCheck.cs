using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Hosting;
using Imaging.Edge.Gateway.Privacy;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// <c>Dicom:Tls</c>'s files, read the way the gateway reads them when it starts (<see cref="DicomTlsCredentials"/>), one
/// line each: the certificate, its key (and that they belong together), the certificate's dates, the client CA, the
/// files' modes. The start-up only warns about dates (a box must start with its clock unset); doctor fails them,
/// since TLS devices are refused meanwhile. Names files, subjects and dates, never key material.
/// </summary>
internal static class DicomTlsCheck
{
    /// <summary>0640 at most: the owner may write, the service's group may read, nobody else anything.</summary>
    private const UnixFileMode LooseKey = UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>A certificate is public, but whoever may rewrite the client CA decides who gets in.</summary>
    private const UnixFileMode Writable = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private const string SecurityDoc = "docs/security.md";

    public static IReadOnlyList<CheckResult> Run(DicomTlsOptions tls, string? credentialsDirectory, ServiceUser? serviceUser, DateTime now)
    {
        var (certificatePath, certificateIsCredential) = CredentialFiles.Locate(tls.CertificateFile, DicomTlsOptions.CertificateCredential, credentialsDirectory);
        var (keyPath, keyIsCredential) = CredentialFiles.Locate(tls.KeyFile, DicomTlsOptions.KeyCredential, credentialsDirectory);
        var problems = new List<string>();
        var chain = DicomTlsCredentials.ReadCertificates("Dicom:Tls:CertificateFile", certificatePath, problems);
        var certificateLine = chain is null
            ? CheckResult.Fail("dicom-tls-certificate", Problems(problems),
                $"give the server certificate as PEM (-----BEGIN CERTIFICATE-----) followed by its intermediates, in Dicom:Tls:CertificateFile or the credential {DicomTlsOptions.CertificateCredential} ({SecurityDoc})")
            : CheckResult.Ok("dicom-tls-certificate", string.Create(CultureInfo.InvariantCulture,
                $"{certificatePath}: {SafeText.Printable(chain[0].Subject)}, issued by {SafeText.Printable(chain[0].Issuer)}, {chain.Count - 1} intermediate(s)"));
        problems.Clear();
        using var key = DicomTlsCredentials.ReadKey("Dicom:Tls:KeyFile", keyPath, problems);
        List<CheckResult> results =
        [
            certificateLine,
            KeyLine(chain?[0], key, problems, certificatePath, keyPath),
            DatesLine(chain?[0], now),
            ClientCaLine(tls),
            FilesLine([(certificatePath, false, certificateIsCredential), (keyPath, true, keyIsCredential), (tls.ClientCaFile, false, false)], serviceUser),
        ];
        foreach (var certificate in chain ?? []) certificate.Dispose();
        return results;
    }

    private static CheckResult KeyLine(X509Certificate2? certificate, AsymmetricAlgorithm? key, List<string> problems, string certificatePath, string keyPath)
    {
        const string name = "dicom-tls-key";
        if (key is null)
            return CheckResult.Fail(name, Problems(problems),
                $"give the certificate's private key as unencrypted PEM (RSA or EC), mode 0600, in Dicom:Tls:KeyFile or the credential {DicomTlsOptions.KeyCredential}");
        var kind = string.Create(CultureInfo.InvariantCulture, $"{(key is RSA ? "RSA" : "EC")} {key.KeySize}-bit key");
        if (certificate is null)
            return CheckResult.Skip(name, $"{keyPath}: a readable {kind}, not compared with the certificate, which did not load");
        return DicomTlsCredentials.KeyMatches(certificate, key)
            ? CheckResult.Ok(name, $"{keyPath}: the {kind} of the certificate")
            : CheckResult.Fail(name, $"{keyPath}: the key does not belong to the certificate of {certificatePath}",
                "give the key the certificate was issued for: openssl x509 -noout -pubkey -in CERT and openssl pkey -pubout -in KEY must print the same");
    }

    private static CheckResult DatesLine(X509Certificate2? certificate, DateTime now)
    {
        const string name = "dicom-tls-dates";
        if (certificate is null)
            return CheckResult.Skip(name, "not checked: the certificate did not load");
        if (DicomTlsCredentials.DateProblem(certificate, now, out var unusable) is { } problem)
            return unusable
                ? CheckResult.Fail(name, problem, $"issue a new certificate ({SecurityDoc}); if its dates look right, set the clock (timedatectl set-ntp true)")
                : CheckResult.Warn(name, problem, $"issue a new certificate before then and replace the files ({SecurityDoc})");
        var notAfter = certificate.NotAfter.ToUniversalTime();
        return CheckResult.Ok(name, string.Create(CultureInfo.InvariantCulture,
            $"valid until {DicomTlsCredentials.Date(notAfter)} ({(int)(notAfter - now).TotalDays} days left)"));
    }

    private static CheckResult ClientCaLine(DicomTlsOptions tls)
    {
        const string name = "dicom-tls-client-ca";
        if (string.IsNullOrEmpty(tls.ClientCaFile))
            return CheckResult.Skip(name, "no Dicom:Tls:ClientCaFile: devices are not asked for a certificate");
        var problems = new List<string>();
        var authorities = DicomTlsCredentials.ReadCertificates("Dicom:Tls:ClientCaFile", tls.ClientCaFile, problems);
        if (authorities is null)
            return CheckResult.Fail(name, Problems(problems), "give the CA certificates (PEM) that sign the devices' certificates");
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{tls.ClientCaFile}: {authorities.Count} CA certificate(s) ({SafeText.Printable(string.Join("; ", authorities.Select(a => a.Subject)))}); a client certificate is {(tls.RequireClientCertificate ? "required" : "optional")}");
        foreach (var authority in authorities) authority.Dispose();
        return CheckResult.Ok(name, detail);
    }

    /// <summary>The key 0600 or 0640, no file writable by others, each readable by the service user (systemd reads credentials as root).</summary>
    private static CheckResult FilesLine(IEnumerable<(string? Path, bool IsKey, bool IsCredential)> files, ServiceUser? serviceUser)
    {
        const string name = "dicom-tls-files";
        var problems = new List<string>();
        var hints = new SortedSet<string>(StringComparer.Ordinal);
        var keyMode = "";
        foreach (var (path, isKey, isCredential) in files)
        {
            if (string.IsNullOrEmpty(path) || !File.Exists(path) || OperatingSystem.IsWindows()) continue; // its own line says so
            var mode = File.GetUnixFileMode(path);
            var octal = Convert.ToString((int)mode, 8).PadLeft(4, '0');
            if (isKey) keyMode = octal;
            if (isKey && (mode & LooseKey) != 0)
            {
                problems.Add($"the key {path} has mode {octal}, others may read or change it");
                hints.Add($"chmod 600 {path} (640 when the service reads it through its group)");
            }
            else if (!isKey && (mode & Writable) != 0)
            {
                problems.Add($"{path} has mode {octal}, others may replace it");
                hints.Add($"chmod 644 {path}");
            }
            if (!isCredential && serviceUser is not null && !serviceUser.May(path, write: false))
            {
                problems.Add($"{path} is not readable by the service user {serviceUser.Name}");
                hints.Add($"chown or chgrp {path} so that {serviceUser.Name} may read it");
            }
        }
        return problems.Count > 0
            ? CheckResult.Fail(name, string.Join("; ", problems), string.Join("; ", hints))
            : CheckResult.Ok(name, keyMode.Length == 0 ? "nothing to check" : $"key mode {keyMode}; no file writable by others");
    }

    private static string Problems(List<string> problems) => SafeText.Printable(string.Join("; ", problems));
}
