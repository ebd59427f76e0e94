using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Cli;

// imaging-edge: the appliance executable. The commands are one tree (Cli/CommandTree.cs); each lives in Cli/.
var parse = CommandTree.Create().Parse(args, CommandTree.Parser);
if (parse.Errors.Count > 0)
    return CommandTree.ReportErrors(parse);

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (parse.CommandResult.Command.Name == "run") return; // the host handles Ctrl+C itself
    e.Cancel = true;
    interrupted.Cancel();
};

try
{
    // Ctrl+C is handled above (not by System.CommandLine: run's host must see it); exceptions come out to the catches below.
    return await parse.InvokeAsync(new() { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, interrupted.Token);
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"imaging-edge: {e.Message}");
    await Console.Error.WriteLineAsync(CommandTree.HelpHint(parse));
    return ExitCodes.BadInput;
}
catch (NotReachableException e)
{
    await Console.Error.WriteLineAsync($"imaging-edge: {e.Message}");
    return ExitCodes.NotReachable;
}
catch (AssociationRejectedException e)
{
    await Console.Error.WriteLineAsync($"imaging-edge: {e.Message}");
    return ExitCodes.Failure;
}
catch (Exception e) when (e is AssociationAbortedException or System.Net.Sockets.SocketException or IOException or OperationCanceledException or UnauthorizedAccessException)
{
    await Console.Error.WriteLineAsync($"imaging-edge: {e.Message}");
    return ExitCodes.Failure;
}
