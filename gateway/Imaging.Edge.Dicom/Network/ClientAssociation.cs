using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Dicom.Network.Tls;

namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// A small association requestor (SCU): C-ECHO, and C-STORE of Part 10 files in their own transfer syntax.
/// One operation at a time; fragments respect the peer's maximum PDU length.
/// </summary>
public sealed class ClientAssociation : IAsyncDisposable
{
    private const int PDataOverhead = 6; // PDV item length (4), context id (1), message control header (1): PS3.8 §9.3.5.1
    private const int DefaultFragment = 1024 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly PduSender _sender;
    private readonly DicomClientOptions _options;
    private readonly List<AcceptedContext> _contexts;
    private readonly int _maxFragment;
    private ushort _nextMessageId = 1;
    private bool _open = true;

    private ClientAssociation(Socket socket, Stream stream, PipeReader reader, DicomClientOptions options, List<AcceptedContext> contexts, uint peerMaxPdu)
    {
        _socket = socket;
        _stream = stream;
        _reader = reader;
        _sender = new PduSender(stream);
        _options = options;
        _contexts = contexts;
        _maxFragment = peerMaxPdu == 0 ? DefaultFragment : (int)Math.Min(DefaultFragment, peerMaxPdu - PDataOverhead);
    }

    /// <summary>The contexts the peer accepted.</summary>
    public IReadOnlyList<AcceptedContext> AcceptedContexts => _contexts;

    /// <summary>
    /// Connects (over TLS with <see cref="DicomClientOptions.Tls"/>) and negotiates. Throws <see cref="AssociationRejectedException"/>
    /// when the peer rejects, <see cref="TlsHandshakeException"/> when the TLS handshake fails.
    /// </summary>
    public static async Task<ClientAssociation> ConnectAsync(DicomClientOptions options, IReadOnlyList<PresentationContextProposal> proposals, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(options.ConnectTimeout);
                await socket.ConnectAsync(options.Host, options.Port, connectTimeout.Token).ConfigureAwait(false);
                stream = new NetworkStream(socket, ownsSocket: true);
                if (options.Tls is { } tls)
                    stream = await TlsConnector.AuthenticateAsync(stream, options.Host, tls, connectTimeout.Token).ConfigureAwait(false);
            }
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            var request = new AssociateRequestPdu(options.CalledAeTitle, options.CallingAeTitle, WellKnownUids.ApplicationContext, proposals,
                new UserInformation
                {
                    MaxPduLength = options.MaxPduLength,
                    ImplementationClassUid = ImplementationInfo.ClassUid,
                    ImplementationVersionName = ImplementationInfo.VersionName,
                });
            await new PduSender(stream).SendAsync(request, cancellationToken).ConfigureAwait(false);
            var answer = await ReadPduAsync(reader, options.MaxPduLength, options.ResponseTimeout, cancellationToken).ConfigureAwait(false);
            switch (answer.Pdu)
            {
                case AssociateAcceptPdu accept:
                    var contexts = new List<AcceptedContext>();
                    foreach (var result in accept.PresentationContexts)
                    {
                        var proposal = proposals.FirstOrDefault(p => p.Id == result.Id);
                        if (result.Result == PresentationContextResultReason.Acceptance && proposal is not null && TransferSyntax.TryGet(result.TransferSyntax, out var syntax))
                            contexts.Add(new AcceptedContext(result.Id, proposal.AbstractSyntax, syntax));
                    }
                    return new ClientAssociation(socket, stream, reader, options, contexts, accept.UserInformation.MaxPduLength);
                case AssociateRejectPdu reject:
                    throw new AssociationRejectedException(reject);
                case AbortPdu abort:
                    throw new AssociationAbortedException($"association aborted by the peer (source {abort.Source}, reason {abort.Reason})");
                default:
                    throw new AssociationAbortedException($"unexpected {answer.Pdu.Type} PDU in answer to the association request");
            }
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends C-ECHO and returns the status.</summary>
    public async Task<ushort> EchoAsync(CancellationToken cancellationToken)
    {
        var context = _contexts.FirstOrDefault(c => c.AbstractSyntax == WellKnownUids.Verification)
            ?? throw new InvalidOperationException("the peer accepted no Verification presentation context");
        var request = new CommandSet { CommandField = CommandField.CEchoRequest, AffectedSopClassUid = WellKnownUids.Verification, MessageId = _nextMessageId++ };
        await _sender.SendCommandAsync(context.Id, request.Encode(), cancellationToken).ConfigureAwait(false);
        return (await ReadResponseAsync(request.MessageId, cancellationToken).ConfigureAwait(false)).Status ?? DimseStatus.ProcessingFailure;
    }

    /// <summary>
    /// Sends one Part 10 file with C-STORE in the file's own transfer syntax, without loading it into memory.
    /// Returns the peer's status. Throws <see cref="InvalidOperationException"/> when no accepted context fits the file.
    /// </summary>
    public async Task<ushort> StoreFileAsync(string path, IProgress<long>? bytesSent, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var header = Part10Reader.ReadHeader(file);
        var meta = header.Meta;
        var context = _contexts.FirstOrDefault(c => c.AbstractSyntax == meta.MediaStorageSopClassUid && c.TransferSyntax.Uid == meta.TransferSyntaxUid)
            ?? throw new InvalidOperationException($"the peer accepted no presentation context for SOP class {meta.MediaStorageSopClassUid} in {meta.TransferSyntaxUid}");

        var request = new CommandSet
        {
            CommandField = CommandField.CStoreRequest,
            AffectedSopClassUid = meta.MediaStorageSopClassUid,
            AffectedSopInstanceUid = meta.MediaStorageSopInstanceUid,
            MessageId = _nextMessageId++,
            Priority = DimsePriority.Medium,
            CommandDataSetType = 0x0000,
        };
        await _sender.SendCommandAsync(context.Id, request.Encode(), cancellationToken).ConfigureAwait(false);

        file.Position = header.DataSetOffset;
        var remaining = file.Length - header.DataSetOffset;
        var buffer = ArrayPool<byte>.Shared.Rent(_maxFragment);
        try
        {
            do
            {
                var size = (int)Math.Min(_maxFragment, remaining);
                await file.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                remaining -= size;
                await _sender.SendDataAsync(context.Id, buffer.AsMemory(0, size), isLast: remaining == 0, cancellationToken).ConfigureAwait(false);
                bytesSent?.Report(size);
            }
            while (remaining > 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (await ReadResponseAsync(request.MessageId, cancellationToken).ConfigureAwait(false)).Status ?? DimseStatus.ProcessingFailure;
    }

    /// <summary>Releases the association (A-RELEASE-RQ, wait for RP) and closes the connection.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (!_open) return;
        _open = false;
        await _sender.SendAsync(ReleaseRequestPdu.Instance, cancellationToken).ConfigureAwait(false);
        var answer = await ReadPduAsync(_reader, _options.MaxPduLength, _options.ResponseTimeout, cancellationToken).ConfigureAwait(false);
        if (answer.Pdu is not ReleaseResponsePdu)
            throw new AssociationAbortedException($"expected A-RELEASE-RP, got {answer.Pdu.Type}");
    }

    private async Task<CommandSet> ReadResponseAsync(ushort messageId, CancellationToken cancellationToken)
    {
        var command = new ArrayBufferWriter<byte>(256);
        while (true)
        {
            var answer = await ReadPduAsync(_reader, _options.MaxPduLength, _options.ResponseTimeout, cancellationToken).ConfigureAwait(false);
            if (answer.Pdu is AbortPdu abort)
            {
                _open = false;
                throw new AssociationAbortedException($"association aborted by the peer (source {abort.Source}, reason {abort.Reason})");
            }
            if (answer.Pdu is not PDataTfPdu)
                throw new AssociationAbortedException($"unexpected {answer.Pdu.Type} PDU while waiting for a response");
            foreach (var fragment in answer.CommandFragments)
            {
                command.Write(fragment.Data);
                if (!fragment.IsLast) continue;
                var response = CommandSet.Parse(command.WrittenSpan);
                if (response.MessageIdBeingRespondedTo != messageId)
                    throw new AssociationAbortedException($"response to message {response.MessageIdBeingRespondedTo}, expected {messageId}");
                return response;
            }
        }
    }

    private readonly record struct CopiedFragment(byte[] Data, bool IsLast);
    private readonly record struct ReceivedPdu(Pdu Pdu, IReadOnlyList<CopiedFragment> CommandFragments);

    /// <summary>Reads the next PDU; command fragments are copied out because the receive buffer is released on return.</summary>
    private static async Task<ReceivedPdu> ReadPduAsync(PipeReader reader, uint maxPduLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        while (true)
        {
            var result = await reader.ReadAsync(timer.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                if (PduReader.TryReadPdu(ref buffer, maxPduLength, out var pdu))
                {
                    var fragments = pdu is PDataTfPdu data
                        ? data.Values.Where(v => v.IsCommand).Select(v => new CopiedFragment(v.Data.ToArray(), v.IsLast)).ToList()
                        : [];
                    return new ReceivedPdu(pdu, fragments);
                }
                if (result.IsCompleted)
                    throw new AssociationAbortedException("the peer closed the connection");
            }
            finally
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    /// <summary>Aborts if still open (use <see cref="ReleaseAsync"/> for an orderly end), then closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_open)
        {
            _open = false;
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _sender.SendAsync(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified), cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
