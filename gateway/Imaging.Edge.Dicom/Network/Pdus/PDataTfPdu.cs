using System.Buffers;
using System.Buffers.Binary;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// One presentation-data-value item of a P-DATA-TF. <see cref="Data"/> is the message fragment, a slice of the
/// caller's buffer (zero-copy) valid until the caller advances or reuses that buffer; it may span segments.
/// </summary>
public readonly record struct PresentationDataValue(byte PresentationContextId, bool IsCommand, bool IsLast, ReadOnlySequence<byte> Data);

/// <summary>P-DATA-TF PDU (PS3.8 §9.3.5): one or more presentation-data-value items.</summary>
public sealed record PDataTfPdu(IReadOnlyList<PresentationDataValue> Values) : Pdu
{
    public override PduType Type => PduType.PData;

    // PS3.8 §9.3.5.1, Table 9-23: PDV item, offsets from its start:
    //   0-3 item-length (32-bit, counts the bytes after it) | 4 presentation-context-ID | 5 message control header | 6- fragment.
    // PS3.8 Annex E.2: message control header bit 0 = 1 command / 0 data set; bit 1 = 1 last fragment; bits 2-7 = 0.
    internal const int PdvHeaderLength = 6;
    private const int PdvItemLengthSize = 4;
    private const int PresentationContextIdOffset = 4;
    private const int MessageControlHeaderOffset = 5;
    private const uint MinimumPdvItemLength = 2;
    private const byte CommandBit = 0x01;
    private const byte LastFragmentBit = 0x02;

    /// <summary>Parses the PDV items of a P-DATA-TF body without copying their data.</summary>
    internal static PDataTfPdu Read(ReadOnlySequence<byte> body)
    {
        var values = new List<PresentationDataValue>(1);
        var reader = new SequenceReader<byte>(body);
        while (!reader.End)
        {
            if (!reader.TryReadBigEndian(out int rawLength))
            {
                throw ItemReader.Invalid("truncated PDV item header in a P-DATA-TF");
            }

            uint length = unchecked((uint)rawLength);
            if (length < MinimumPdvItemLength)
            {
                throw ItemReader.Invalid($"a PDV item length of {length} is less than {MinimumPdvItemLength}");
            }

            if (length > reader.Remaining)
            {
                throw ItemReader.Invalid($"a PDV item claims {length} bytes but its P-DATA-TF has {reader.Remaining} left");
            }

            reader.TryRead(out byte contextId);
            reader.TryRead(out byte control);
            long dataLength = length - MinimumPdvItemLength;
            ReadOnlySequence<byte> data = body.Slice(reader.Position, dataLength);
            reader.Advance(dataLength);
            values.Add(new PresentationDataValue(contextId, (control & CommandBit) != 0, (control & LastFragmentBit) != 0, data));
        }

        if (values.Count == 0)
        {
            throw ItemReader.Invalid("a P-DATA-TF has no PDV item");
        }

        return new PDataTfPdu(values);
    }

    internal static void Write(IBufferWriter<byte> output, PDataTfPdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu.Values);
        long bodyLength = 0;
        foreach (PresentationDataValue value in pdu.Values)
        {
            bodyLength += PdvHeaderLength + value.Data.Length;
        }

        if (bodyLength > uint.MaxValue)
        {
            throw new ArgumentException("The P-DATA-TF is longer than a PDU-length can express.", nameof(pdu));
        }

        Span<byte> header = output.GetSpan(PduHeader.Length);
        PduHeader.Write(header, PduType.PData, (uint)bodyLength);
        output.Advance(PduHeader.Length);
        foreach (PresentationDataValue value in pdu.Values)
        {
            WritePdvHeader(output, value.PresentationContextId, value.IsCommand, value.IsLast, value.Data.Length);
            foreach (ReadOnlyMemory<byte> segment in value.Data)
            {
                output.Write(segment.Span);
            }
        }
    }

    /// <summary>Writes a P-DATA-TF holding one PDV.</summary>
    internal static void WriteSingle(IBufferWriter<byte> output, byte presentationContextId, bool isCommand, bool isLast, ReadOnlySpan<byte> data)
    {
        const int headersLength = PduHeader.Length + PdvHeaderLength;
        Span<byte> span = output.GetSpan(headersLength);
        PduHeader.Write(span, PduType.PData, (uint)(PdvHeaderLength + data.Length));
        output.Advance(PduHeader.Length);
        WritePdvHeader(output, presentationContextId, isCommand, isLast, data.Length);
        output.Write(data);
    }

    private static void WritePdvHeader(IBufferWriter<byte> output, byte presentationContextId, bool isCommand, bool isLast, long dataLength)
    {
        Span<byte> span = output.GetSpan(PdvHeaderLength);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)(dataLength + MinimumPdvItemLength));
        span[PresentationContextIdOffset] = presentationContextId;
        span[MessageControlHeaderOffset] = (byte)((isCommand ? CommandBit : 0) | (isLast ? LastFragmentBit : 0));
        output.Advance(PdvHeaderLength);
    }
}
