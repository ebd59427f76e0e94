using System.Diagnostics;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Gateway.Cli;

/// <summary><c>imaging-edge echo HOST PORT</c>: C-ECHO, for field engineers testing a link.</summary>
internal static class EchoVerb
{
    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var arguments = Arguments.Parse(args, valued: new HashSet<string> { "aet", "aec" }, flags: new HashSet<string>());
        var options = ClientOptionsParser.Parse(arguments, "echo HOST PORT");
        if (arguments.Positional.Count != 2)
            throw new UsageException("usage: imaging-edge echo HOST PORT [--aet CALLING] [--aec CALLED]");

        var proposals = new[] { new PresentationContextProposal(1, WellKnownUids.Verification, [TransferSyntax.ImplicitVRLittleEndian.Uid]) };
        var clock = Stopwatch.StartNew();
        await using var association = await ClientAssociation.ConnectAsync(options, proposals, cancellationToken);
        var status = await association.EchoAsync(cancellationToken);
        await association.ReleaseAsync(cancellationToken);
        Console.WriteLine($"C-ECHO {options.Host}:{options.Port} ({options.CalledAeTitle}): status 0x{status:X4} in {clock.Elapsed.TotalMilliseconds:F1} ms");
        return status == DimseStatus.Success ? ExitCodes.Success : ExitCodes.Failure;
    }
}
