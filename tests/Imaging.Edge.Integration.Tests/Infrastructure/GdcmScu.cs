namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// GDCM's gdcmscu (Debian package libgdcm-tools, gdcm 3.0.21), run with <c>-D</c>: without it, it prints nothing at all,
/// and its debug trace is the only place that shows the DIMSE responses.
/// <para>
/// Known peer defect: this gdcmscu aborts (SIGABRT, exit 134, "ProtocolStream as nullptr is invalid") when the
/// A-RELEASE-RP arrives: its state machine handles the release response in state 6 instead of 7. It does so against
/// dcmtk's storescp as well, after the C-STORE or C-ECHO has succeeded, so its exit code cannot be the verdict.
/// </para>
/// </summary>
internal static class GdcmScu
{
    public const string CallingAe = "GDCMSCU";
    public const string KnownReleaseCrash = "ProtocolStream as nullptr is invalid";

    public static Task<ProcessResult> EchoAsync(ReceiverUnderTest receiver) =>
        ProcessRunner.RunAsync("gdcmscu", ["-D", "--echo", "--call", ReceiverUnderTest.AeTitle, "--aetitle", CallingAe, "127.0.0.1", receiver.PortText]);

    public static Task<ProcessResult> StoreAsync(ReceiverUnderTest receiver, string file) =>
        ProcessRunner.RunAsync("gdcmscu", ["-D", "--store", "--call", ReceiverUnderTest.AeTitle, "--aetitle", CallingAe, "127.0.0.1", receiver.PortText, file]);

    /// <summary>gdcmscu's own success line for a C-STORE (printed only with -D).</summary>
    public static bool StoreSucceeded(ProcessResult result, string file) =>
        result.Output.Contains($"C-Store of file {file} was successful.", StringComparison.Ordinal);

    /// <summary>The traced C-ECHO-RSP (command field 0x8030 = 32816) with status 0.</summary>
    public static bool EchoSucceeded(ProcessResult result) =>
        result.Output.Contains("(0000,0100) ?? (US) 32816 ", StringComparison.Ordinal)
        && result.Output.Contains("(0000,0900) ?? (US) 0 ", StringComparison.Ordinal);

    /// <summary>Exit 0, or the known abort on the release response (see the class remarks) and nothing else.</summary>
    public static bool EndedNormallyOrWithKnownReleaseCrash(ProcessResult result) =>
        result.ExitCode == 0 || (result.ExitCode == 134 && result.Output.Contains(KnownReleaseCrash, StringComparison.Ordinal));
}
