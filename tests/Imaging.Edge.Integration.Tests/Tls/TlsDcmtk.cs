using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Tls;

/// <summary>dcmtk's echoscu and storescu over TLS (<c>+tls KEY CERT +cf CA</c>, BCP 195 non-downgrading profile, dcmtk's default).</summary>
internal static class TlsDcmtk
{
    /// <summary>The TLS options: our certificate when given (else anonymous TLS, <c>+tla</c>), the CA we trust for the server.</summary>
    public static string[] Options(PemPair? client, string trustedCa) =>
        client is null ? ["+tla", "+cf", trustedCa] : ["+tls", client.KeyFile, client.CertificateFile, "-pw", "+cf", trustedCa];

    public static Task<ProcessResult> EchoAsync(int port, PemPair? client, string trustedCa, string callingAe = "ECHOSCU") =>
        ProcessRunner.RunAsync("echoscu", [.. Options(client, trustedCa), "-aet", callingAe, "-aec", ReceiverUnderTest.AeTitle, "127.0.0.1", Text(port)],
            TimeSpan.FromSeconds(60));

    public static Task<ProcessResult> StoreAsync(int port, PemPair? client, string trustedCa, IEnumerable<string> files, string callingAe = "STORESCU") =>
        ProcessRunner.RunAsync("storescu",
            [.. Options(client, trustedCa), "-aet", callingAe, "-aec", ReceiverUnderTest.AeTitle, "-nh", "-R", "-xe", "127.0.0.1", Text(port), .. files],
            TimeSpan.FromSeconds(120));

    private static string Text(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
