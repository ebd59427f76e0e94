using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Tls;

/// <summary>
/// <c>Dicom:Tls</c> in the real executable: the listener it builds (files or systemd credentials, TLS only), every bad
/// file refused at start naming its key (exit 2) without showing its contents, and an outdated server certificate
/// reported but not fatal.
/// </summary>
public sealed class TlsConfigurationTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TemporaryDirectory _folder = new();

    public void Dispose()
    {
        _folder.Dispose();
        _pki.Dispose();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private Dictionary<string, string> Environment(int plainPort, int tlsPort) => new()
    {
        ["IMAGING_EDGE__Gateway__DataDir"] = _folder.Combine("data"),
        ["IMAGING_EDGE__Dicom__Port"] = Text(plainPort),
        ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
        ["IMAGING_EDGE__Dicom__Tls__Port"] = Text(tlsPort),
        ["IMAGING_EDGE__Dicom__Tls__CertificateFile"] = _pki.Server.CertificateFile,
        ["IMAGING_EDGE__Dicom__Tls__KeyFile"] = _pki.Server.KeyFile,
        ["IMAGING_EDGE__Dicom__Tls__ClientCaFile"] = _pki.Ca.CertificateFile,
        ["IMAGING_EDGE__Dicom__Tls__RequireClientCertificate"] = "true",
    };

    [Fact]
    public async Task Tls_only_with_the_key_from_systemd_credentials_stores_a_study()
    {
        var credentials = _folder.Combine("credentials");
        Directory.CreateDirectory(credentials);
        File.Copy(_pki.Server.CertificateFile, Path.Combine(credentials, "dicom-tls-certificate"));
        File.Copy(_pki.Server.KeyFile, Path.Combine(credentials, "dicom-tls-key"));
        var tlsPort = GatewayProcess.FreePort();
        var environment = Environment(0, tlsPort);
        environment.Remove("IMAGING_EDGE__Dicom__Tls__CertificateFile");
        environment.Remove("IMAGING_EDGE__Dicom__Tls__KeyFile");
        environment["CREDENTIALS_DIRECTORY"] = credentials;
        await using var gateway = GatewayProcess.Start(["run"], environment, _folder.Path);
        await gateway.WaitForPortAsync(tlsPort, TimeSpan.FromSeconds(60));
        using var inputs = new TemporaryDirectory();
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 2);

        var result = await TlsDcmtk.StoreAsync(tlsPort, _pki.Client("STORESCU"), _pki.Ca.CertificateFile, files);

        Assert.True(result.ExitCode == 0, result.Output + gateway.Output);
        Assert.Contains("DICOM TLS server listening on 127.0.0.1:" + Text(tlsPort), gateway.Output);
        Assert.DoesNotContain("DICOM server listening", gateway.Output); // Dicom:Port 0: no plain listener
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        using var queue = QueueCli.OpenReadOnly(_folder.Combine("data"));
        using var count = queue.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM instances WHERE source = 'STORESCU';";
        Assert.Equal(2L, (long)count.ExecuteScalar()!);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "missing key", "Dicom:Tls:KeyFile: file not found" },
        { "garbage key", "Dicom:Tls:KeyFile: not a readable PEM private key" },
        { "key of another certificate", "Dicom:Tls:KeyFile: the key does not belong to the certificate" },
        { "certificate without certificate", "Dicom:Tls:CertificateFile: holds no PEM certificate" },
        { "required client certificate without CA", "Dicom:Tls:ClientCaFile: must be given when RequireClientCertificate is true" },
        { "no key file and not started by systemd", "Dicom:Tls:KeyFile: not given, and no systemd credential 'dicom-tls-key'" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_tls_file_stops_start_up_naming_the_key(string fault, string expected)
    {
        var environment = Environment(GatewayProcess.FreePort(), GatewayProcess.FreePort());
        var garbage = _folder.Combine("garbage.pem");
        await File.WriteAllTextAsync(garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        switch (fault)
        {
            case "missing key": environment["IMAGING_EDGE__Dicom__Tls__KeyFile"] = _folder.Combine("absent.key"); break;
            case "garbage key": environment["IMAGING_EDGE__Dicom__Tls__KeyFile"] = garbage; break;
            case "key of another certificate": environment["IMAGING_EDGE__Dicom__Tls__KeyFile"] = _pki.Ca.KeyFile; break;
            case "certificate without certificate": environment["IMAGING_EDGE__Dicom__Tls__CertificateFile"] = _pki.Server.KeyFile; break;
            case "no key file and not started by systemd":
                environment.Remove("IMAGING_EDGE__Dicom__Tls__KeyFile");
                environment["CREDENTIALS_DIRECTORY"] = "";
                break;
            default: environment.Remove("IMAGING_EDGE__Dicom__Tls__ClientCaFile"); break;
        }
        await using var gateway = GatewayProcess.Start(["run"], environment, _folder.Path);

        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 2, gateway.Output);
        Assert.Contains(expected, gateway.Output);
        Assert.DoesNotContain("bm90IGEga2V5", gateway.Output);
        foreach (var keyFile in new[] { _pki.Server.KeyFile, _pki.Ca.KeyFile })
            Assert.DoesNotContain(File.ReadAllLines(keyFile)[1], gateway.Output);
    }

    [Fact]
    public async Task An_expired_server_certificate_is_reported_and_the_gateway_still_starts()
    {
        var expired = _pki.ServerValid(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1), "server-expired");
        var plainPort = GatewayProcess.FreePort();
        var environment = Environment(plainPort, GatewayProcess.FreePort());
        environment["IMAGING_EDGE__Dicom__Tls__CertificateFile"] = expired.CertificateFile;
        environment["IMAGING_EDGE__Dicom__Tls__KeyFile"] = expired.KeyFile;
        await using var gateway = GatewayProcess.Start(["run"], environment, _folder.Path);

        await gateway.WaitForPortAsync(plainPort, TimeSpan.FromSeconds(60));

        Assert.Contains("The DICOM TLS server certificate expired on", gateway.Output);
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
