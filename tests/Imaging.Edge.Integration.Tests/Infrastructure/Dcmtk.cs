namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>dcmtk's command-line peers (Debian package dcmtk), always with TCP_NODELAY (see <see cref="ProcessRunner"/>).</summary>
internal static class Dcmtk
{
    public static Task<ProcessResult> EchoAsync(ReceiverUnderTest receiver, string calledAe = ReceiverUnderTest.AeTitle, string callingAe = "ECHOSCU") =>
        ProcessRunner.RunAsync("echoscu", ["-aet", callingAe, "-aec", calledAe, "127.0.0.1", receiver.PortText]);

    /// <summary>storescu with the given proposal options (for example "-xi"), over one association, not stopping at a failure.</summary>
    public static Task<ProcessResult> StoreAsync(ReceiverUnderTest receiver, IEnumerable<string> files, IEnumerable<string>? options = null,
        string callingAe = "STORESCU", TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("storescu",
            ["-aet", callingAe, "-aec", ReceiverUnderTest.AeTitle, "-nh", "-R", .. options ?? [], "127.0.0.1", receiver.PortText, .. files],
            timeout ?? TimeSpan.FromSeconds(120));

    public static Task<ProcessResult> DumpAsync(string file) => ProcessRunner.RunAsync("dcmdump", ["-q", file]);
}
