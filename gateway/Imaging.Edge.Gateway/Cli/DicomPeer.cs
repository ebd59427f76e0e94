using System.Net.Sockets;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>Opens the association of <c>echo</c> and <c>send</c>, telling "the peer does not answer" (exit 3) from a refusal (exit 1).</summary>
internal static class DicomPeer
{
    /// <summary>
    /// Throws <see cref="NotReachableException"/> when the TCP connection cannot be made (refused, no route, name unknown,
    /// the connect timeout); a peer that answers and rejects the association still throws <see cref="AssociationRejectedException"/>.
    /// </summary>
    public static async Task<ClientAssociation> ConnectAsync(DicomClientOptions options, IReadOnlyList<PresentationContextProposal> proposals, CancellationToken cancellationToken)
    {
        try
        {
            return await ClientAssociation.ConnectAsync(options, proposals, cancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable
                                            or SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData or SocketError.TimedOut)
        {
            throw new NotReachableException($"{options.Host}:{options.Port} is not reachable: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NotReachableException($"{options.Host}:{options.Port} did not answer within {options.ConnectTimeout.TotalSeconds:F0} s");
        }
    }
}

/// <summary>What the command must talk to did not answer; Program prints the message and exits <see cref="ExitCodes.NotReachable"/>.</summary>
internal sealed class NotReachableException(string message) : Exception(message);
