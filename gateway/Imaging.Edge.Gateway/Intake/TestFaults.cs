namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// Power-cut points for the crash tests, read from <c>IMAGING_EDGE_TEST_FAULT</c> here and nowhere else; the unit and
/// the packages never set it. <c>kill-before-materialize</c>: the process SIGKILLs itself when the materializer is
/// about to write a file (after the commit that acknowledged it); <c>hold-materializer</c>: files are written only by
/// start-up recovery.
/// </summary>
internal static class TestFaults
{
    private static readonly string? Fault = Environment.GetEnvironmentVariable("IMAGING_EDGE_TEST_FAULT");

    public static bool HoldMaterializer => Fault == "hold-materializer";

    public static void BeforeMaterialize()
    {
        if (Fault == "kill-before-materialize")
            System.Diagnostics.Process.GetCurrentProcess().Kill();
    }
}
