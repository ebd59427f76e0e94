using System.CommandLine;
using System.Diagnostics;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Gateway.Cli;

/// <summary><c>imaging-edge echo HOST PORT</c>: C-ECHO, for field engineers testing a link.</summary>
internal static class EchoVerb
{
    public static Command Create()
    {
        var peer = new DicomPeerArguments();
        var command = new Command("echo",
            "Test the DICOM link to a peer (PACS, modality): send a C-ECHO and print its status and the round-trip time. " +
            "Exit 1 when the peer rejects us (wrong AE title), 3 when it does not answer.");
        peer.AddTo(command);
        command.SetAction((parse, cancellationToken) => ExecuteAsync(peer.Options(parse), cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(DicomClientOptions options, CancellationToken cancellationToken)
    {
        var proposals = new[] { new PresentationContextProposal(1, WellKnownUids.Verification, [TransferSyntax.ImplicitVRLittleEndian.Uid]) };
        var clock = Stopwatch.StartNew();
        await using var association = await DicomPeer.ConnectAsync(options, proposals, cancellationToken);
        var status = await association.EchoAsync(cancellationToken);
        await association.ReleaseAsync(cancellationToken);
        Console.WriteLine($"C-ECHO {options.Host}:{options.Port} ({options.CalledAeTitle}): status 0x{status:X4} in {clock.Elapsed.TotalMilliseconds:F1} ms");
        return status == DimseStatus.Success ? ExitCodes.Success : ExitCodes.Failure;
    }
}
