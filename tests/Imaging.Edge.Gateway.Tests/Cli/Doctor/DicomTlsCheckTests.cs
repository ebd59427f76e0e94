using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imaging.Edge.Gateway.Cli.Doctor;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Tests.Cli.Doctor;

/// <summary>
/// doctor's lines about <c>Dicom:Tls</c>'s files, over certificates made here with CertificateRequest: each fault turns
/// its own line ✗ (or ! when the certificate runs out soon), with a fix, and no line ever carries key material.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DicomTlsCheckTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _folder = Directory.CreateTempSubdirectory("doctor-tls-").FullName;
    private readonly List<string> _keys = [];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly DateTime Now = DateTime.UtcNow;

    /// <summary>A self-signed server certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> days from now, as PEM files (key 0600, certificate 0644).</summary>
    private (string Certificate, string Key) Pair(string name, int notBefore = -1, int notAfter = 365)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=IMAGING_EDGE", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(Now).AddDays(notBefore), new DateTimeOffset(Now).AddDays(notAfter));
        var certificateFile = Path.Combine(_folder, name + ".crt");
        var keyFile = Path.Combine(_folder, name + ".key");
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        _keys.Add(keyPem.Split('\n')[1]); // a line of the key's base64, which no report may contain
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, keyPem + "\n");
        File.SetUnixFileMode(certificateFile, Public);
        File.SetUnixFileMode(keyFile, Private);
        return (certificateFile, keyFile);
    }

    private Dictionary<string, CheckResult> Run(string certificate, string key, string? clientCa = null, bool require = false)
    {
        var tls = new DicomTlsOptions { Port = 2762, CertificateFile = certificate, KeyFile = key, ClientCaFile = clientCa, RequireClientCertificate = require };
        var results = DicomTlsCheck.Run(tls, credentialsDirectory: null, serviceUser: null, Now);
        foreach (var result in results)
            Assert.DoesNotContain(_keys, k => (result.Detail + result.Hint).Contains(k, StringComparison.Ordinal));
        return results.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    [Fact]
    public void A_valid_certificate_and_its_key_give_every_line_ok()
    {
        var (certificate, key) = Pair("server");
        var (ca, _) = Pair("ca");

        var lines = Run(certificate, key, ca, require: true);

        Assert.Equal(["dicom-tls-certificate", "dicom-tls-client-ca", "dicom-tls-dates", "dicom-tls-files", "dicom-tls-key"], lines.Keys.Order(StringComparer.Ordinal));
        Assert.All(lines.Values, l => Assert.True(l.Outcome == CheckOutcome.Ok, $"{l.Name}: {l.Detail}"));
        Assert.Contains("CN=IMAGING_EDGE", lines["dicom-tls-certificate"].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_another_certificate_fails_the_key_line()
    {
        var (certificate, _) = Pair("server");
        var (_, otherKey) = Pair("other");

        var lines = Run(certificate, otherKey);

        Assert.Equal(CheckOutcome.Fail, lines["dicom-tls-key"].Outcome);
        Assert.Contains("does not belong to the certificate", lines["dicom-tls-key"].Detail, StringComparison.Ordinal);
        Assert.NotEmpty(lines["dicom-tls-key"].Hint);
        Assert.Equal(CheckOutcome.Ok, lines["dicom-tls-certificate"].Outcome);
    }

    [Theory]
    [InlineData(-30, -1, "Fail", "expired on")]
    [InlineData(2, 30, "Fail", "not valid before")]
    [InlineData(-30, 10, "Warn", "expires on")]
    public void A_certificate_out_of_its_dates_fails_and_one_running_out_within_30_days_warns(int notBefore, int notAfter, string outcome, string detail)
    {
        var (certificate, key) = Pair("server", notBefore, notAfter);

        var dates = Run(certificate, key)["dicom-tls-dates"];

        Assert.Equal(outcome, dates.Outcome.ToString());
        Assert.Contains(detail, dates.Detail, StringComparison.Ordinal);
        Assert.NotEmpty(dates.Hint);
    }

    [Fact]
    public void A_missing_file_fails_its_line_naming_the_file()
    {
        var (certificate, key) = Pair("server");
        var missing = Path.Combine(_folder, "missing.crt");

        var noCertificate = Run(missing, key);
        var noCa = Run(certificate, key, Path.Combine(_folder, "missing-ca.crt"), require: true);

        Assert.Equal(CheckOutcome.Fail, noCertificate["dicom-tls-certificate"].Outcome);
        Assert.Contains(missing, noCertificate["dicom-tls-certificate"].Detail, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Skip, noCertificate["dicom-tls-dates"].Outcome);
        Assert.Equal(CheckOutcome.Fail, noCa["dicom-tls-client-ca"].Outcome);
    }

    [Fact]
    public void A_key_others_may_read_or_a_certificate_others_may_write_fails_the_files_line()
    {
        var (certificate, key) = Pair("server");
        File.SetUnixFileMode(key, Private | UnixFileMode.GroupRead);

        Assert.Equal(CheckOutcome.Ok, Run(certificate, key)["dicom-tls-files"].Outcome); // 0640: the service's group may read it

        File.SetUnixFileMode(key, Public);
        var looseKey = Run(certificate, key)["dicom-tls-files"];
        File.SetUnixFileMode(key, Private);
        File.SetUnixFileMode(certificate, Public | UnixFileMode.OtherWrite);
        var writableCertificate = Run(certificate, key)["dicom-tls-files"];

        Assert.Equal(CheckOutcome.Fail, looseKey.Outcome);
        Assert.Contains(key, looseKey.Detail, StringComparison.Ordinal);
        Assert.Contains("chmod 600", looseKey.Hint, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Fail, writableCertificate.Outcome);
        Assert.Contains(certificate, writableCertificate.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_that_are_not_pem_fail_their_lines()
    {
        var (certificate, key) = Pair("server");
        var garbage = Path.Combine(_folder, "garbage.pem");
        File.WriteAllText(garbage, "not a certificate\n");

        var lines = Run(certificate, garbage, garbage, require: true);

        Assert.Equal(CheckOutcome.Fail, lines["dicom-tls-key"].Outcome);
        Assert.Equal(CheckOutcome.Fail, lines["dicom-tls-client-ca"].Outcome);
        Assert.Equal(CheckOutcome.Ok, lines["dicom-tls-certificate"].Outcome);
    }
}
