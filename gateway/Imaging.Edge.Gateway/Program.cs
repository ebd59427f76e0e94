using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Cli;

// imaging-edge: the appliance executable. Commands are dispatched here; each lives in Cli/.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (args.FirstOrDefault() == "run") return; // the host handles Ctrl+C itself
    e.Cancel = true;
    interrupted.Cancel();
};

try
{
    var rest = args.Skip(1).ToArray();
    return args.FirstOrDefault() switch
    {
        "run" => await RunVerb.ExecuteAsync(rest),
        "echo" => await EchoVerb.ExecuteAsync(rest, interrupted.Token),
        "send" => await SendVerb.ExecuteAsync(rest, interrupted.Token),
        "status" => await StatusVerb.ExecuteAsync(rest),
        "queue" => await QueueVerb.ExecuteAsync(rest),
        "control" => await ControlVerb.ExecuteAsync(rest, interrupted.Token),
        "erase-patient" => await ErasePatientVerb.ExecuteAsync(rest, interrupted.Token),
        "decommission" => await DecommissionVerb.ExecuteAsync(rest),
        "profiles" => await ProfilesVerb.ExecuteAsync(rest),
        "doctor" => await DoctorVerb.ExecuteAsync(rest, interrupted.Token),
        "provision" => await ProvisionVerb.ExecuteAsync(rest, interrupted.Token),
        "--version" => PrintVersion(),
        "--help" or "-h" or "help" => PrintUsage(Console.Out, ExitCodes.Success),
        null => PrintUsage(Console.Error, ExitCodes.BadInput),
        var unknown => throw new UsageException($"unknown command '{unknown}'"),
    };
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"imaging-edge: {e.Message}");
    await Console.Error.WriteLineAsync("try: imaging-edge --help");
    return ExitCodes.BadInput;
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

static int PrintVersion()
{
    var version = typeof(RunVerb).Assembly.GetName().Version;
    Console.WriteLine($"imaging-edge {version}");
    return ExitCodes.Success;
}

static int PrintUsage(TextWriter writer, int exitCode)
{
    writer.WriteLine(Usage.Text);
    return exitCode;
}
