using System.Buffers;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Network;

/// <summary>Encodes PDUs into one reusable buffer and writes them to the connection. Not thread-safe: one per connection.</summary>
internal sealed class PduSender(Stream stream)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public async ValueTask SendAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        PduWriter.Write(_buffer, pdu);
        await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a complete DIMSE command set as one P-DATA-TF (command sets are far below any maximum PDU length).</summary>
    public async ValueTask SendCommandAsync(byte presentationContextId, byte[] commandSet, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        PduWriter.WritePData(_buffer, presentationContextId, isCommand: true, isLast: true, commandSet);
        await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one data set fragment as a P-DATA-TF with a single PDV.</summary>
    public async ValueTask SendDataAsync(byte presentationContextId, ReadOnlyMemory<byte> fragment, bool isLast, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        PduWriter.WritePData(_buffer, presentationContextId, isCommand: false, isLast, fragment.Span);
        await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }
}
