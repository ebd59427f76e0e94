using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// One accepted connection, from A-ASSOCIATE-RQ to release or abort (PS3.8 §9.2 state machine, acceptor side).
/// One read loop: read, parse every complete PDU, handle it, advance. P-DATA fragments are handed to the intake
/// straight from the receive buffer, so memory is bounded by the maximum PDU length whatever the instance size.
/// </summary>
internal sealed class ServerAssociation
{
    private enum Phase { AwaitingRequest, Established, Closed }

    private readonly NetworkStream _socketStream;
    private readonly TlsAcceptor? _tls;
    private Stream _stream; // the socket's stream, or the TLS stream over it once the handshake is done
    private PduSender _sender;
    private X509Certificate2? _clientCertificate;
    private readonly DicomServerOptions _options;
    private readonly IStoreHandler _handler;
    private readonly ILogger _logger;
    private readonly long _id;
    private readonly ConnectionBudget.ConnectionLease _lease;
    private readonly ReceivePace _pace;
    private readonly EndPoint _remote;

    private Phase _phase = Phase.AwaitingRequest;
    private AssociationInfo? _info;
    private IReadOnlyDictionary<byte, AcceptedContext> _contexts = new Dictionary<byte, AcceptedContext>();
    private readonly ArrayBufferWriter<byte> _commandBuffer = new(512);
    private byte _commandContextId;
    private IncomingStore? _store;
    private CommandSet? _discarding; // a command with a data set we do not process; its data set is drained
    private int _instances;
    private bool _receivingMessage;

    public ServerAssociation(Socket socket, TlsAcceptor? tls, long id, ConnectionBudget.ConnectionLease lease, DicomServerOptions options, IStoreHandler handler, ILogger logger)
    {
        _socketStream = new NetworkStream(socket, ownsSocket: true);
        _stream = _socketStream;
        _tls = tls;
        _sender = new PduSender(_stream);
        _id = id;
        _lease = lease;
        _pace = new ReceivePace(options.MinimumBytesPerSecond, options.DimseTimeout);
        _options = options;
        _handler = handler;
        _logger = logger;
        _remote = socket.RemoteEndPoint ?? new IPEndPoint(IPAddress.None, 0);
    }

    /// <summary>Serves the connection until it ends. Does not throw except for cancellation of <paramref name="stopping"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var scope = _logger.BeginScope("association {AssociationId}", _id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // ARTIM runs once from the connection's start, over the TLS handshake too: a request (or a handshake) trickled
        // in byte by byte must not keep it alive.
        timeout.CancelAfter(_options.ArtimTimeout);
        PipeReader? reader = null;
        try
        {
            if (_tls is not null && !await HandshakeAsync(_tls, timeout.Token, stopping).ConfigureAwait(false))
                return;
            reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
            await ReadLoopAsync(reader, timeout, stopping).ConfigureAwait(false);
        }
        catch (PduFormatException e) when (e.SuggestedReject is { } reject && _phase == Phase.AwaitingRequest)
        {
            // PS3.8 §9.3.4: an unsupported protocol version is answered with an A-ASSOCIATE-RJ, not an abort.
            DicomServerLog.Rejected(_logger, _id, "?", _remote, e.Message);
            await TrySendAsync(reject).ConfigureAwait(false);
        }
        catch (PduFormatException e)
        {
            DicomServerLog.ProtocolViolation(_logger, _id, _remote, e.Message);
            await TryAbortAsync(e.Reason).ConfigureAwait(false);
        }
        catch (DimseFormatException e)
        {
            DicomServerLog.ProtocolViolation(_logger, _id, _remote, e.Message);
            await TryAbortAsync(AbortReason.InvalidPduParameterValue).ConfigureAwait(false);
        }
        catch (AssociationViolationException e)
        {
            DicomServerLog.ProtocolViolation(_logger, _id, _remote, e.Message);
            await TryAbortAsync(e.Reason, e.AbortSource).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            DicomServerLog.TimedOut(_logger, _id, _remote, _phase == Phase.AwaitingRequest ? "waiting for the association request (ARTIM)"
                : _receivingMessage ? $"receiving a message slower than {_options.MinimumBytesPerSecond} bytes/s" : "waiting for the next message");
            await TryAbortAsync(AbortReason.NotSpecified).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await TryAbortAsync(AbortReason.NotSpecified).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Resets by the peer are normal on a hospital network.
            DicomServerLog.ConnectionClosed(_logger, _id, _remote, "connection reset");
        }
        catch (Exception e)
        {
            DicomServerLog.AssociationFailed(_logger, _id, e);
            await TryAbortAsync(AbortReason.NotSpecified).ConfigureAwait(false);
        }
        finally
        {
            _phase = Phase.Closed;
            if (_store is not null) await _store.AbandonAsync().ConfigureAwait(false);
            if (reader is not null) await reader.CompleteAsync().ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
            await _socketStream.DisposeAsync().ConfigureAwait(false);
            _clientCertificate?.Dispose();
        }
    }

    /// <summary>The TLS handshake; false (logged, connection to be closed) when it fails. Nothing of DICOM is read before it succeeds.</summary>
    private async Task<bool> HandshakeAsync(TlsAcceptor tls, CancellationToken artim, CancellationToken stopping)
    {
        try
        {
            (_stream, _clientCertificate) = await tls.AuthenticateAsync(_socketStream, artim).ConfigureAwait(false);
        }
        catch (TlsHandshakeException e)
        {
            _phase = Phase.Closed; // no A-ABORT: there is no DICOM on this connection yet
            DicomServerLog.HandshakeFailed(_logger, _id, _remote, e.Message);
            return false;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            _phase = Phase.Closed;
            DicomServerLog.TimedOut(_logger, _id, _remote, "in the TLS handshake (ARTIM)");
            return false;
        }
        catch (OperationCanceledException)
        {
            _phase = Phase.Closed;
            throw;
        }
        _sender = new PduSender(_stream);
        return true;
    }

    private async Task ReadLoopAsync(PipeReader reader, CancellationTokenSource timeout, CancellationToken stopping)
    {
        long unconsumed = 0;
        while (true)
        {
            var paced = _phase == Phase.Established;
            var readLimit = _pace.NextReadLimit;
            if (paced)
                RestartTimeout(timeout, stopping, readLimit);
            var waitStarted = Stopwatch.GetTimestamp();
            var result = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (paced)
            {
                _pace.Received(Stopwatch.GetElapsedTime(waitStarted), buffer.Length - unconsumed);
                // What we do with the bytes (fsync, commit) is not the peer's time: it gets the whole DIMSE timeout.
                if (readLimit < _options.DimseTimeout)
                    RestartTimeout(timeout, stopping, _options.DimseTimeout);
            }
            try
            {
                if (_phase == Phase.AwaitingRequest && PduReader.IsUnexpectedBeforeAssociation(buffer, out var early))
                    throw new AssociationViolationException(AbortReason.NotSpecified, $"{early} PDU before the association was accepted", AbortSource.ServiceUser);
                while (PduReader.TryReadPdu(ref buffer, _options.MaxPduLength, out var pdu))
                {
                    if (!await HandlePduAsync(pdu, timeout.Token).ConfigureAwait(false))
                        return;
                }
                if (result.IsCompleted)
                {
                    var reason = buffer.IsEmpty
                        ? _phase == Phase.AwaitingRequest ? "closed before sending an association request" : "closed without release"
                        : "closed in the middle of a PDU";
                    if (_phase == Phase.Established || !buffer.IsEmpty)
                        DicomServerLog.ConnectionClosed(_logger, _id, _remote, reason);
                    return;
                }
            }
            finally
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                unconsumed = buffer.Length;
            }
            _receivingMessage = !buffer.IsEmpty || _store is not null || _discarding is not null || _commandBuffer.WrittenCount > 0;
            if (!_receivingMessage)
                _pace.AtMessageBoundary();
        }
    }

    private static void RestartTimeout(CancellationTokenSource timeout, CancellationToken stopping, TimeSpan limit)
    {
        if (!timeout.TryReset())
            throw new OperationCanceledException(stopping);
        timeout.CancelAfter(limit);
    }

    /// <summary>Returns false when the association is over.</summary>
    private ValueTask<bool> HandlePduAsync(Pdu pdu, CancellationToken cancellationToken) => (_phase, pdu) switch
    {
        (Phase.AwaitingRequest, AssociateRequestPdu request) => NegotiateAsync(request, cancellationToken),
        (Phase.Established, PDataTfPdu data) => HandlePDataAsync(data, cancellationToken),
        (Phase.Established, ReleaseRequestPdu) => ReleaseAsync(cancellationToken),
        (_, AbortPdu) => PeerAbortedAsync(),
        _ => throw new AssociationViolationException(AbortReason.UnexpectedPdu, $"unexpected {pdu.Type} PDU while {_phase}"),
    };

    private async ValueTask<bool> NegotiateAsync(AssociateRequestPdu request, CancellationToken cancellationToken)
    {
        var remoteAddress = (_remote as IPEndPoint)?.Address ?? IPAddress.None;
        // A slot is taken only by a request we would accept, and only now: connecting costs none.
        var outcome = CertificateBindingRefusal(request.CallingAeTitle) is { } refusal
            ? AssociationNegotiator.RejectCaller(refusal)
            : AssociationNegotiator.Negotiate(request, _options, remoteAddress, atAssociationLimit: false);
        if (outcome.Reject is null && !_lease.TryTakeAssociationSlot())
            outcome = AssociationNegotiator.Negotiate(request, _options, remoteAddress, atAssociationLimit: true);
        if (outcome.Reject is { } reject)
        {
            DicomServerLog.Rejected(_logger, _id, request.CallingAeTitle, _remote, outcome.RejectDescription!);
            await _sender.SendAsync(reject, cancellationToken).ConfigureAwait(false);
            return false;
        }
        _contexts = outcome.Contexts;
        _info = new AssociationInfo(_id, request.CallingAeTitle, request.CalledAeTitle, (IPEndPoint)_remote);
        await _sender.SendAsync(outcome.Accept!, cancellationToken).ConfigureAwait(false);
        _phase = Phase.Established;
        DicomServerLog.Accepted(_logger, _id, request.CallingAeTitle, _remote, _contexts.Count, request.PresentationContexts.Count);
        return true;
    }

    /// <summary>
    /// With <see cref="ServerTls.BindClientCertificateToAeTitle"/>, a TLS caller may only use the AE title its certificate
    /// names as common name; why not, or null when it may.
    /// </summary>
    private string? CertificateBindingRefusal(string callingAeTitle)
    {
        if (_tls is not { Settings.BindClientCertificateToAeTitle: true })
            return null;
        if (_clientCertificate is null)
            return "no client certificate to bind the calling AE title to";
        var commonName = _clientCertificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return string.Equals(commonName, callingAeTitle.Trim(), StringComparison.Ordinal) ? null : "calling AE title differs from its client certificate";
    }

    private async ValueTask<bool> ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            // A release in the middle of a data set: the instance was never answered, so it is simply not kept.
            await _store.AbandonAsync().ConfigureAwait(false);
            _store = null;
        }
        await _sender.SendAsync(ReleaseResponsePdu.Instance, cancellationToken).ConfigureAwait(false);
        DicomServerLog.Released(_logger, _id, _instances);
        return false;
    }

    private ValueTask<bool> PeerAbortedAsync()
    {
        DicomServerLog.AbortedByPeer(_logger, _id, _instances);
        return ValueTask.FromResult(false);
    }

    private async ValueTask<bool> HandlePDataAsync(PDataTfPdu pdu, CancellationToken cancellationToken)
    {
        foreach (var value in pdu.Values)
        {
            if (!_contexts.TryGetValue(value.PresentationContextId, out var context))
                throw new AssociationViolationException(AbortReason.InvalidPduParameterValue, $"PDV on presentation context {value.PresentationContextId}, which was not accepted");
            if (value.IsCommand)
                await HandleCommandFragmentAsync(value, context, cancellationToken).ConfigureAwait(false);
            else
                await HandleDataFragmentAsync(value, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    private async ValueTask HandleCommandFragmentAsync(PresentationDataValue value, AcceptedContext context, CancellationToken cancellationToken)
    {
        if (_store is not null || _discarding is not null)
            throw new AssociationViolationException(AbortReason.UnexpectedPduParameter, "command fragment while a data set was expected");
        if (_commandBuffer.WrittenCount == 0)
            _commandContextId = value.PresentationContextId;
        else if (_commandContextId != value.PresentationContextId)
            throw new AssociationViolationException(AbortReason.UnexpectedPduParameter, "command fragments on two presentation contexts");
        if (_commandBuffer.WrittenCount + value.Data.Length > CommandSet.MaxEncodedLength)
            throw new AssociationViolationException(AbortReason.InvalidPduParameterValue, "command set larger than 64 KiB");
        foreach (var segment in value.Data)
            _commandBuffer.Write(segment.Span);
        if (!value.IsLast)
            return;

        var command = CommandSet.Parse(_commandBuffer.WrittenSpan);
        _commandBuffer.ResetWrittenCount();
        await DispatchCommandAsync(command, context, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DispatchCommandAsync(CommandSet command, AcceptedContext context, CancellationToken cancellationToken)
    {
        switch (command.CommandField)
        {
            case CommandField.CEchoRequest:
                await RespondAsync(context.Id, command, DimseStatus.Success, cancellationToken).ConfigureAwait(false);
                if (command.HasDataSet) _discarding = command;
                break;
            case CommandField.CStoreRequest when command.HasDataSet:
                await BeginStoreAsync(command, context, cancellationToken).ConfigureAwait(false);
                break;
            default:
                DicomServerLog.UnsupportedCommand(_logger, _id, command.CommandField.ToString(), DimseStatus.UnrecognizedOperation);
                if (command.HasDataSet) _discarding = command;
                else await RespondAsync(context.Id, command, DimseStatus.UnrecognizedOperation, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async ValueTask BeginStoreAsync(CommandSet command, AcceptedContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(command.AffectedSopClassUid) || string.IsNullOrEmpty(command.AffectedSopInstanceUid))
        {
            _store = new IncomingStore(command, context, null, DimseStatus.MistypedArgument, "the command has no Affected SOP Class or Instance UID");
            return;
        }
        if (command.AffectedSopClassUid != context.AbstractSyntax)
        {
            // The class was accepted for this context only; anything else (an MR image on the CT context, any
            // instance on the Verification context) would bypass negotiation (PS3.7 §C.5.13).
            _store = new IncomingStore(command, context, null, DimseStatus.SopClassNotSupported, "the SOP class is not the presentation context's abstract syntax");
            return;
        }
        var request = new StoreRequest(_info!, command.MessageId, command.AffectedSopClassUid, command.AffectedSopInstanceUid,
            context.TransferSyntax, command.Priority, command.MoveOriginatorAeTitle);
        StoreStart start;
        try
        {
            start = await _handler.BeginStoreAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DicomServerLog.IntakeFailed(_logger, _id, command.MessageId, e);
            start = StoreStart.Refuse(e is IOException ? DimseStatus.OutOfResources : DimseStatus.ProcessingFailure);
        }
        _store = start.Sink is null
            ? new IncomingStore(command, context, null, start.RefusalStatus, "refused by the intake")
            : new IncomingStore(command, context, start.Sink, DimseStatus.Success);
    }

    private async ValueTask HandleDataFragmentAsync(PresentationDataValue value, CancellationToken cancellationToken)
    {
        if (_discarding is { } discarded)
        {
            if (!value.IsLast) return;
            _discarding = null;
            if (discarded.CommandField != CommandField.CEchoRequest)
                await RespondAsync(value.PresentationContextId, discarded, DimseStatus.UnrecognizedOperation, cancellationToken).ConfigureAwait(false);
            return;
        }
        var store = _store ?? throw new AssociationViolationException(AbortReason.UnexpectedPduParameter, "data set fragment without a command");
        if (value.PresentationContextId != store.Context.Id)
            throw new AssociationViolationException(AbortReason.UnexpectedPduParameter, "data set fragment on another presentation context than its command");

        store.Received += value.Data.Length;
        if (_options.MaxInstanceBytes > 0 && store.Received > _options.MaxInstanceBytes && !store.Failed)
            await store.FailAsync(DimseStatus.OutOfResources, $"the data set is larger than the configured maximum of {_options.MaxInstanceBytes} bytes").ConfigureAwait(false);
        if (!store.Failed)
        {
            try
            {
                foreach (var segment in value.Data)
                    store.Scanner.Feed(segment.Span);
                await store.Sink!.WriteAsync(value.Data, cancellationToken).ConfigureAwait(false);
            }
            catch (DicomFormatException e)
            {
                await store.FailAsync(DimseStatus.CannotUnderstand, e.Message).ConfigureAwait(false);
            }
            catch (StoreRefusedException e)
            {
                await store.FailAsync(e.Status, e.Message).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                DicomServerLog.IntakeFailed(_logger, _id, store.Command.MessageId, e);
                await store.FailAsync(DimseStatus.OutOfResources, "the instance could not be written").ConfigureAwait(false);
            }
        }
        if (value.IsLast)
        {
            _store = null;
            await CompleteStoreAsync(store, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask CompleteStoreAsync(IncomingStore store, CancellationToken cancellationToken)
    {
        var command = store.Command;
        var status = store.FailureStatus;
        var reason = store.FailureReason;
        if (!store.Failed)
        {
            (status, reason) = await FinishAsync(store, cancellationToken).ConfigureAwait(false);
        }
        if (status != DimseStatus.Success)
            DicomServerLog.StoreFailed(_logger, _id, command.MessageId, status, reason ?? "failed");
        else
            _instances++;
        await RespondAsync(store.Context.Id, command, status, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<(ushort Status, string? Reason)> FinishAsync(IncomingStore store, CancellationToken cancellationToken)
    {
        DataSetAttributes attributes;
        try
        {
            attributes = store.Scanner.Finish();
        }
        catch (DicomFormatException e)
        {
            await store.AbandonAsync().ConfigureAwait(false);
            return (DimseStatus.CannotUnderstand, e.Message);
        }
        if (string.IsNullOrEmpty(attributes.SopClassUid) || string.IsNullOrEmpty(attributes.SopInstanceUid))
        {
            await store.AbandonAsync().ConfigureAwait(false);
            return (DimseStatus.CannotUnderstand, "the data set has no SOP Class UID or SOP Instance UID");
        }
        // PS3.4 §B.2.3: a data set that is not of the SOP class the command names is refused with A900. A data set
        // whose SOP Instance UID is not the command's is a mistyped argument (PS3.7 §C.5.15): the file would be
        // filed under the wrong name, so it is refused rather than guessed at.
        if (!string.Equals(attributes.SopClassUid, store.Command.AffectedSopClassUid, StringComparison.Ordinal))
        {
            await store.AbandonAsync().ConfigureAwait(false);
            return (DimseStatus.DataSetDoesNotMatchSopClass, "the data set's SOP Class UID is not the command's");
        }
        if (!string.Equals(attributes.SopInstanceUid, store.Command.AffectedSopInstanceUid, StringComparison.Ordinal))
        {
            await store.AbandonAsync().ConfigureAwait(false);
            return (DimseStatus.MistypedArgument, "the data set's SOP Instance UID is not the command's");
        }
        try
        {
            return (await store.Sink!.CompleteAsync(attributes, cancellationToken).ConfigureAwait(false), "refused by the intake");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DicomServerLog.IntakeFailed(_logger, _id, store.Command.MessageId, e);
            await store.AbandonAsync().ConfigureAwait(false);
            return (e is IOException ? DimseStatus.OutOfResources : DimseStatus.ProcessingFailure, "the intake failed");
        }
    }

    private ValueTask RespondAsync(byte contextId, CommandSet request, ushort status, CancellationToken cancellationToken)
    {
        var response = new CommandSet
        {
            CommandField = (CommandField)((ushort)request.CommandField | 0x8000),
            AffectedSopClassUid = request.AffectedSopClassUid,
            AffectedSopInstanceUid = request.AffectedSopInstanceUid,
            MessageIdBeingRespondedTo = request.MessageId,
            CommandDataSetType = CommandSet.NoDataSet,
            Status = status,
        };
        return _sender.SendCommandAsync(contextId, response.Encode(), cancellationToken);
    }

    private ValueTask TryAbortAsync(AbortReason reason, AbortSource source = AbortSource.ServiceProvider) => TrySendAsync(new AbortPdu(source, reason));

    /// <summary>Sends a last PDU (abort or reject) if the connection still takes it; the association is over either way.</summary>
    private async ValueTask TrySendAsync(Pdu last)
    {
        if (_phase == Phase.Closed) return;
        _phase = Phase.Closed;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _sender.SendAsync(last, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is already gone; the abort was a courtesy.
        }
    }
}
