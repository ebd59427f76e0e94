namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// Power-cut points for the crash tests, read from <c>IMAGING_EDGE_TEST_FAULT</c> here and nowhere else; the unit and
/// the packages never set it. A point's name (<see cref="BeforeMaterialize"/>, <see cref="AfterMaterialize"/>) makes the
/// process SIGKILL itself when it gets there; <c>hold-materializer</c> leaves files to be written by start-up recovery.
/// </summary>
internal static class TestFaults
{
    /// <summary>After the commit that acknowledged small instances, before any of their files is written.</summary>
    public const string BeforeMaterialize = "kill-before-materialize";

    /// <summary>Files written, renamed and their folders synced, before their bytes are forgotten in the queue.</summary>
    public const string AfterMaterialize = "kill-after-materialize";

    private static readonly string? Fault = Environment.GetEnvironmentVariable("IMAGING_EDGE_TEST_FAULT");

    public static bool HoldMaterializer => Fault == "hold-materializer";

    /// <summary>SIGKILLs this process when <paramref name="point"/> is the configured fault (a power cut stand-in).</summary>
    public static void KillAt(string point)
    {
        if (Fault == point)
            System.Diagnostics.Process.GetCurrentProcess().Kill();
    }
}
