using System.Net.Sockets;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Dicom.Network.Tls;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Tls;

/// <summary>
/// DICOM over TLS (PS3.15 Annex B) against the receiver, with real dcmtk (echoscu/storescu +tls) and our own SCU:
/// who gets in, who is refused during the handshake, and that a study sent over TLS is kept exactly like a plain one.
/// </summary>
public sealed class TlsReceiverTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly RecordedLog _log = new();

    public void Dispose() => _pki.Dispose();

    private ReceiverUnderTest Receiver(bool requireClientCertificate = true, bool bindAeTitle = false, TimeSpan? artim = null) =>
        new(options => options with
        {
            Tls = _pki.ServerSettings(requireClientCertificate, bindAeTitle),
            ArtimTimeout = artim ?? options.ArtimTimeout,
        }, loggerFactory: _log.Factory);

    [Fact]
    public async Task Echoscu_with_a_certificate_of_the_site_ca_gets_success()
    {
        await using var receiver = Receiver();

        var result = await TlsDcmtk.EchoAsync(receiver.Server.TlsLocalEndPoint.Port, _pki.Client("ECHOSCU"), _pki.Ca.CertificateFile);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task A_study_stored_over_tls_is_acknowledged_and_queued_like_a_plain_one()
    {
        await using var receiver = Receiver();
        using var inputs = new TemporaryDirectory();
        var overTls = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Combine("tls"), 3);
        var plain = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Combine("plain"), 1);

        var tlsResult = await TlsDcmtk.StoreAsync(receiver.Server.TlsLocalEndPoint.Port, _pki.Client("STORESCU"), _pki.Ca.CertificateFile, overTls);
        var plainResult = await Dcmtk.StoreAsync(receiver, plain, ["-xe"]);

        Assert.True(tlsResult.ExitCode == 0, tlsResult.Output);
        Assert.True(plainResult.ExitCode == 0, plainResult.Output);
        var reference = Assert.Single(receiver.Queue.Queries.FindBySopInstanceUid(CorpusFiles.Read(plain[0]).Meta.MediaStorageSopInstanceUid));
        foreach (var file in overTls)
        {
            var row = Assert.Single(receiver.Queue.Queries.FindBySopInstanceUid(CorpusFiles.Read(file).Meta.MediaStorageSopInstanceUid));
            Assert.Equal((reference.State, reference.Priority, reference.Source, reference.Version), (row.State, row.Priority, row.Source, row.Version));
            Assert.Equal(ReceiverUnderTest.DataSetBytes(file), ReceiverUnderTest.DataSetBytes(receiver.Layout.Absolute(row.LocalPath)));
        }
        Assert.Empty(receiver.SpoolFiles());
    }

    [Theory]
    [InlineData("another CA", "the client certificate is not issued by a trusted CA")]
    [InlineData("expired", "the client certificate has expired or is not valid yet")]
    public async Task A_client_certificate_of_another_ca_or_expired_is_refused(string fault, string reason)
    {
        await using var receiver = Receiver();
        var certificate = _pki.Client("ECHOSCU", fromOtherCa: fault == "another CA", expired: fault == "expired");

        var result = await TlsDcmtk.EchoAsync(receiver.Server.TlsLocalEndPoint.Port, certificate, _pki.Ca.CertificateFile);

        Assert.NotEqual(0, result.ExitCode);
        await _log.WaitForAsync("TLS handshake failed: " + reason);
        Assert.Equal(0, receiver.Server.ActiveAssociations);
    }

    [Fact]
    public async Task No_client_certificate_is_refused_when_one_is_required()
    {
        await using var receiver = Receiver();

        var refused = await TlsDcmtk.EchoAsync(receiver.Server.TlsLocalEndPoint.Port, client: null, _pki.Ca.CertificateFile);

        Assert.NotEqual(0, refused.ExitCode);
        await _log.WaitForAsync("TLS handshake failed: no client certificate");
        await using var optional = Receiver(requireClientCertificate: false);
        var accepted = await TlsDcmtk.EchoAsync(optional.Server.TlsLocalEndPoint.Port, client: null, _pki.Ca.CertificateFile);
        Assert.True(accepted.ExitCode == 0, "the same client is accepted where a certificate is optional: " + accepted.Output);
    }

    [Fact]
    public async Task A_calling_ae_title_bound_to_the_certificate_must_match_its_common_name()
    {
        await using var receiver = Receiver(bindAeTitle: true);
        var certificate = _pki.Client("CT_ROOM_1");

        var matching = await TlsDcmtk.EchoAsync(receiver.Server.TlsLocalEndPoint.Port, certificate, _pki.Ca.CertificateFile, callingAe: "CT_ROOM_1");
        var other = await TlsDcmtk.EchoAsync(receiver.Server.TlsLocalEndPoint.Port, certificate, _pki.Ca.CertificateFile, callingAe: "CT_ROOM_2");

        Assert.True(matching.ExitCode == 0, matching.Output);
        Assert.NotEqual(0, other.ExitCode);
        Assert.Contains("Association Rejected", other.Output, StringComparison.OrdinalIgnoreCase);
        await _log.WaitForAsync("rejected: calling AE title differs from its client certificate");
    }

    [Theory]
    [InlineData("-tls1")]
    [InlineData("-tls1_1")]
    public async Task Tls_1_0_and_1_1_are_refused(string version)
    {
        await using var receiver = Receiver(requireClientCertificate: false);
        // SECLEVEL=0 lets this OpenSSL client offer the old versions at all (Debian's default refuses them itself).
        var result = await ProcessRunner.RunAsync("openssl",
            ["s_client", version, "-cipher", "DEFAULT:@SECLEVEL=0", "-connect", $"127.0.0.1:{receiver.Server.TlsLocalEndPoint.Port}"],
            TimeSpan.FromSeconds(30), standardInput: "");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("alert protocol version", result.Output, StringComparison.Ordinal);
        await _log.WaitForAsync("TLS handshake failed");
    }

    [Fact]
    public async Task A_client_that_stalls_the_handshake_is_cut_off_by_artim()
    {
        await using var receiver = Receiver(artim: TimeSpan.FromSeconds(1));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", receiver.Server.TlsLocalEndPoint.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 }); // the start of a ClientHello, and no more

        var read = await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, read); // closed by the gateway (ARTIM), not by the test's own limit
        await _log.WaitForAsync("timed out while in the TLS handshake (ARTIM)");
    }

    [Fact]
    public async Task Our_scu_echoes_and_stores_over_tls()
    {
        await using var receiver = Receiver();
        using var inputs = new TemporaryDirectory();
        var file = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 1));
        var meta = CorpusFiles.Read(file).Meta;
        var client = _pki.Client("IMAGING_EDGE");
        var options = new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = receiver.Server.TlsLocalEndPoint.Port,
            CalledAeTitle = ReceiverUnderTest.AeTitle,
            Tls = new ClientTls
            {
                TrustedCa = [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(_pki.Ca.CertificateFile)],
                Certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(client.CertificateFile, client.KeyFile),
            },
        };
        PresentationContextProposal[] proposals =
        [
            new(1, WellKnownUids.Verification, [TransferSyntax.ImplicitVRLittleEndian.Uid]),
            new(3, meta.MediaStorageSopClassUid, [meta.TransferSyntaxUid]),
        ];

        await using var association = await ClientAssociation.ConnectAsync(options, proposals, CancellationToken.None);
        Assert.Equal(DimseStatus.Success, await association.EchoAsync(CancellationToken.None));
        Assert.Equal(DimseStatus.Success, await association.StoreFileAsync(file, null, CancellationToken.None));
        await association.ReleaseAsync(CancellationToken.None);

        Assert.Single(receiver.Queue.Queries.FindBySopInstanceUid(meta.MediaStorageSopInstanceUid));
    }

    [Fact]
    public async Task Our_scu_refuses_a_server_whose_certificate_its_ca_did_not_sign()
    {
        await using var receiver = Receiver(requireClientCertificate: false);
        var options = new DicomClientOptions
        {
            Host = "127.0.0.1",
            Port = receiver.Server.TlsLocalEndPoint.Port,
            CalledAeTitle = ReceiverUnderTest.AeTitle,
            Tls = new ClientTls { TrustedCa = [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(_pki.OtherCa.CertificateFile)] },
        };

        var refused = await Assert.ThrowsAsync<TlsHandshakeException>(() =>
            ClientAssociation.ConnectAsync(options, [new(1, WellKnownUids.Verification, [TransferSyntax.ImplicitVRLittleEndian.Uid])], CancellationToken.None));

        Assert.Contains("not issued by a trusted CA", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Imaging_edge_echo_speaks_tls_and_refuses_a_server_its_ca_did_not_sign()
    {
        await using var receiver = Receiver();
        var client = _pki.Client("IMAGING_EDGE");
        var port = receiver.Server.TlsLocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Task<ProcessResult> EchoAsync(string ca) => ProcessRunner.RunAsync("dotnet",
            [GatewayProcess.ExecutablePath, "echo", "--tls-ca", ca, "--tls-cert", client.CertificateFile, "--tls-key", client.KeyFile,
                "--aec", ReceiverUnderTest.AeTitle, "127.0.0.1", port], TimeSpan.FromSeconds(60));

        var trusted = await EchoAsync(_pki.Ca.CertificateFile);
        var untrusted = await EchoAsync(_pki.OtherCa.CertificateFile);

        Assert.True(trusted.ExitCode == 0, trusted.Output);
        Assert.Contains("status 0x0000", trusted.StandardOutput, StringComparison.Ordinal);
        Assert.True(untrusted.ExitCode == 1, untrusted.Output);
        Assert.Contains("the server certificate is not issued by a trusted CA", untrusted.StandardError, StringComparison.Ordinal);
    }
}
