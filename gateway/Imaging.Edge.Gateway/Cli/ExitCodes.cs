namespace Imaging.Edge.Gateway.Cli;

/// <summary>What every command returns; the README ("Command line") and the help text say the same.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and something failed (a rejection, a failed store, nothing to retry, instances failed).</summary>
    public const int Failure = 1;

    /// <summary>A mistake in the command line or the configuration: nothing was done.</summary>
    public const int BadInput = 2;

    /// <summary>What the command needed to talk to did not answer: no gateway on the control socket, a DICOM peer that refused or timed out.</summary>
    public const int NotReachable = 3;

    public const string Summary = "Exit codes: 0 ok, 1 failure, 2 bad command line or configuration, 3 not reachable (no gateway running, peer not answering)";
}
