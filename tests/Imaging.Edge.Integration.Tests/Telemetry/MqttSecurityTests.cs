using Imaging.Edge.Integration.Tests.Infrastructure;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Telemetry;

/// <summary>
/// The gateway on a TLS listener of a real Mosquitto: broker certificate checked against a private CA, client
/// certificate, user name and password from a file. Wrong credentials keep telemetry out and nothing else.
/// </summary>
public sealed class MqttSecurityTests
{
    [Fact]
    public async Task Connects_over_tls_with_client_certificate_and_password_and_a_wrong_ca_or_password_is_refused_without_blocking_dicom()
    {
        using var folder = new TemporaryDirectory();
        var pki = folder.Combine("pki");
        Directory.CreateDirectory(pki);
        var make = await ProcessRunner.RunAsync("bash", ["-ec", """
            cd "$1"
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=edge-test-ca 2>/dev/null
            openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -days 2 -subj /CN=someone-else 2>/dev/null
            for who in server client; do
              cn=$([ $who = server ] && echo 127.0.0.1 || echo gw-t)
              openssl req -newkey rsa:2048 -nodes -keyout $who.key -out $who.csr -subj /CN=$cn 2>/dev/null
              printf 'subjectAltName=IP:127.0.0.1\n' > $who.ext
              openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $who.crt -days 2 -extfile $who.ext 2>/dev/null
            done
            mosquitto_passwd -b -c passwords gw-t right-password
            printf 'right-password\n' > password; printf 'wrong-password\n' > wrong-password
            chmod 644 server.key passwords
            """, "pki", pki]);
        Assert.True(make.ExitCode == 0, make.Output);
        var plainPort = GatewayProcess.FreePort();
        var tlsPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(plainPort, folder.Combine("broker"), extraConfig: $"""
            password_file {pki}/passwords
            listener {tlsPort} 127.0.0.1
            cafile {pki}/ca.crt
            certfile {pki}/server.crt
            keyfile {pki}/server.key
            require_certificate true

            """);
        await using var subscriber = await MosquittoSubscriber.ConnectAsync(plainPort, "imaging-edge/v1/+/+/status");

        Dictionary<string, string> Tls(string gatewayId, string caFile, string passwordFile) => new()
        {
            ["IMAGING_EDGE__Gateway__GatewayId"] = gatewayId,
            ["IMAGING_EDGE__Mqtt__ClientId"] = gatewayId,
            ["IMAGING_EDGE__Mqtt__UseTls"] = "true",
            ["IMAGING_EDGE__Mqtt__CaFile"] = Path.Combine(pki, caFile),
            ["IMAGING_EDGE__Mqtt__ClientCertificateFile"] = Path.Combine(pki, "client.crt"),
            ["IMAGING_EDGE__Mqtt__ClientKeyFile"] = Path.Combine(pki, "client.key"),
            ["IMAGING_EDGE__Mqtt__Username"] = "gw-t",
            ["IMAGING_EDGE__Mqtt__PasswordFile"] = Path.Combine(pki, passwordFile),
        };
        using var goodFolder = new TemporaryDirectory();
        using var wrongCaFolder = new TemporaryDirectory();
        using var wrongPasswordFolder = new TemporaryDirectory();
        var (good, _) = await StartAsync(goodFolder, tlsPort, Tls("gw-t", "ca.crt", "password"));
        await using var ownedGood = good;
        var (wrongCa, wrongCaDicom) = await StartAsync(wrongCaFolder, tlsPort, Tls("gw-wrong-ca", "other-ca.crt", "password"));
        await using var ownedWrongCa = wrongCa;
        var (wrongPassword, _) = await StartAsync(wrongPasswordFolder, tlsPort, Tls("gw-wrong-password", "ca.crt", "wrong-password"));
        await using var ownedWrongPassword = wrongPassword;

        var online = await subscriber.WaitForAsync("imaging-edge/v1/site-t/gw-t/status", j => j.GetProperty("state").GetString() == "online", TimeSpan.FromSeconds(45));
        Assert.Equal("gw-t", online.GetProperty("gateway").GetString());
        var echo = await ProcessRunner.RunAsync("echoscu", ["-aec", "IMAGING_EDGE", "-to", "5", "127.0.0.1", Text(wrongCaDicom)], TimeSpan.FromSeconds(10));
        Assert.True(echo.ExitCode == 0, echo.Output);
        // Both refused gateways have tried (and failed) by the time they say so; nothing of theirs may be on the broker.
        for (var i = 0; i < 300 && !(wrongCa.Output.Contains("cannot connect to the broker", StringComparison.Ordinal)
                                     && wrongPassword.Output.Contains("cannot connect to the broker", StringComparison.Ordinal)); i++)
            await Task.Delay(100);
        Assert.DoesNotContain(subscriber.Messages, m => m.Topic.Contains("gw-wrong", StringComparison.Ordinal));
        Assert.Contains("cannot connect to the broker", wrongCa.Output, StringComparison.Ordinal);
        Assert.Contains("cannot connect to the broker", wrongPassword.Output, StringComparison.Ordinal);
        Assert.Contains("refused", wrongPassword.Output, StringComparison.Ordinal); // the broker said no: a credentials problem, not a network one
        Assert.DoesNotContain("refused", wrongCa.Output, StringComparison.Ordinal); // TLS failed before any CONNECT
        foreach (var output in new[] { good.Output, wrongCa.Output, wrongPassword.Output })
            Assert.DoesNotContain("right-password", output, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", wrongPassword.Output.Replace("wrong-password\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_that_cannot_be_read_costs_telemetry_only()
    {
        using var folder = new TemporaryDirectory();
        var mqttPort = GatewayProcess.FreePort();
        await using var broker = await MosquittoProcess.StartAsync(mqttPort, folder.Combine("broker"));
        // A user name but no password file and no systemd credential: nothing to log in with.
        var (gateway, dicomPort) = await StartAsync(folder, mqttPort, new Dictionary<string, string> { ["IMAGING_EDGE__Mqtt__Username"] = "gw-t" });
        await using var owned = gateway;

        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), folder.Combine("in"), 1);
        var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(dicomPort), .. files]);

        Assert.True(store.ExitCode == 0, store.Output);
        for (var i = 0; i < 100 && !gateway.Output.Contains("Telemetry settings cannot be used", StringComparison.Ordinal); i++) await Task.Delay(100);
        Assert.Contains("Telemetry settings cannot be used", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("mqtt-password", gateway.Output, StringComparison.Ordinal);
        for (var i = 0; i < 100 && Scalar(folder, "SELECT COUNT(*) FROM instances WHERE state = 'uploaded';") == 0; i++) await Task.Delay(100);
        Assert.Equal(1L, Scalar(folder, "SELECT COUNT(*) FROM instances WHERE state = 'uploaded';"));
    }
}
