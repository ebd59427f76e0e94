using System.Net;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Dicom.Network;

/// <summary>Log messages of the association acceptor. No patient data: associations are named by id, AE title and address.</summary>
internal static partial class DicomServerLog
{
    [LoggerMessage(1000, LogLevel.Information, "DICOM server listening on {EndPoint} as {AeTitle}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint, string aeTitle);

    [LoggerMessage(1001, LogLevel.Information, "Association {AssociationId} accepted from {CallingAeTitle} at {Remote}: {Accepted} of {Proposed} presentation contexts")]
    public static partial void Accepted(ILogger logger, long associationId, string callingAeTitle, EndPoint remote, int accepted, int proposed);

    [LoggerMessage(1002, LogLevel.Warning, "Association {AssociationId} from {CallingAeTitle} at {Remote} rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, long associationId, string callingAeTitle, EndPoint remote, string reason);

    [LoggerMessage(1003, LogLevel.Information, "Association {AssociationId} released after {Instances} instances")]
    public static partial void Released(ILogger logger, long associationId, int instances);

    [LoggerMessage(1004, LogLevel.Information, "Association {AssociationId} aborted by the peer after {Instances} instances")]
    public static partial void AbortedByPeer(ILogger logger, long associationId, int instances);

    [LoggerMessage(1005, LogLevel.Warning, "Association {AssociationId} from {Remote} aborted: {Reason}")]
    public static partial void ProtocolViolation(ILogger logger, long associationId, EndPoint remote, string reason);

    [LoggerMessage(1006, LogLevel.Warning, "Association {AssociationId} from {Remote} timed out while {Phase}")]
    public static partial void TimedOut(ILogger logger, long associationId, EndPoint remote, string phase);

    [LoggerMessage(1007, LogLevel.Information, "Connection {AssociationId} from {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, long associationId, EndPoint remote, string reason);

    [LoggerMessage(1008, LogLevel.Warning, "Association {AssociationId}: C-STORE message {MessageId} answered {Status:X4}: {Reason}")]
    public static partial void StoreFailed(ILogger logger, long associationId, ushort messageId, ushort status, string reason);

    [LoggerMessage(1009, LogLevel.Error, "Association {AssociationId}: the intake failed on C-STORE message {MessageId}")]
    public static partial void IntakeFailed(ILogger logger, long associationId, ushort messageId, Exception exception);

    [LoggerMessage(1010, LogLevel.Error, "Association {AssociationId} failed")]
    public static partial void AssociationFailed(ILogger logger, long associationId, Exception exception);

    [LoggerMessage(1011, LogLevel.Warning, "Connection from {Remote} refused: {Reason} ({Suppressed} more refused since the last such line)")]
    public static partial void ConnectionRefused(ILogger logger, EndPoint remote, string reason, int suppressed);

    [LoggerMessage(1012, LogLevel.Information, "Association {AssociationId}: {Command} is not provided, answered {Status:X4}")]
    public static partial void UnsupportedCommand(ILogger logger, long associationId, string command, ushort status);

    [LoggerMessage(1013, LogLevel.Information, "DICOM TLS server listening on {EndPoint} as {AeTitle} (client certificates: {ClientCertificates})")]
    public static partial void ListeningTls(ILogger logger, EndPoint endPoint, string aeTitle, string clientCertificates);

    [LoggerMessage(1014, LogLevel.Warning, "Connection {AssociationId} from {Remote}: TLS handshake failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, long associationId, EndPoint remote, string reason);
}
