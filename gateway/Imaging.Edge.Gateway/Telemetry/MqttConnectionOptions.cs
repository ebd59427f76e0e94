using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Imaging.Edge.Gateway.Commands;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Upload;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>
/// The CONNECT of the gateway: MQTT 5, a persistent session (so QoS 1 commands sent during a short outage are
/// delivered on reconnect), the retained offline Last Will, credentials from a file or systemd credential, TLS with
/// an optional private CA and client certificate. Secrets are read here and never logged.
/// </summary>
internal static class MqttConnectionOptions
{
    public static MqttClientOptions Build(MqttOptions options, string clientId, string statusTopic, byte[] willPayload)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)options.SessionExpirySeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(statusTopic)
            .WithWillPayload(willPayload)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (!string.IsNullOrEmpty(options.Username))
            builder.WithCredentials(options.Username, SecretFiles.Read(options.PasswordFile, "mqtt-password"));
        if (options.UseTls)
            builder.WithTlsOptions(tls => Tls(tls, options));
        var built = builder.Build();
        // MQTT 5 CONNECT property: the broker must not send us a packet larger than a command can be (anyone who may
        // publish under cmd/ could otherwise make the gateway buffer whatever the broker accepts, 256 MB by default).
        built.MaximumPacketSize = (uint)CommandCodec.MaxRequestBytes + 1024;
        return built;
    }

    private static void Tls(MqttClientTlsOptionsBuilder tls, MqttOptions options)
    {
        tls.UseTls(true).WithTargetHost(options.Host);
        if (!string.IsNullOrEmpty(options.ClientCertificateFile))
        {
            // A PEM key is loaded as an ephemeral key; exporting to PKCS#12 gives SslStream a certificate it can use.
            using var pem = X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile);
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            tls.WithClientCertificates([certificate]);
        }
        if (!string.IsNullOrEmpty(options.CaFile))
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(options.CaFile);
            tls.WithCertificateValidationHandler(context => TrustedBy(authorities, context.Certificate, context.SslPolicyErrors));
        }
    }

    /// <summary>The broker's certificate must chain to the configured CA and name the host we dialled.</summary>
    private static bool TrustedBy(X509Certificate2Collection authorities, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }
}
