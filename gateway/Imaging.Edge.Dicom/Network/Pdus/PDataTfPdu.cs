using System.Buffers;
using System.Buffers.Binary;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// One presentation-data-value item of a P-DATA-TF. <see cref="Data"/> is the message fragment, a slice of the
/// caller's buffer (zero-copy) valid until the caller advances or reuses that buffer; it may span segments.
/// </summary>
public readonly record struct PresentationDataValue(byte PresentationContextId, bool IsCommand, bool IsLast, ReadOnlySequence<byte> Data);

/// <summary>
/// P-DATA-TF PDU (PS3.8 §9.3.5): one or more presentation-data-value items, kept as they are on the wire.
/// A PDU read by <see cref="PduReader"/> holds a slice of the reader's buffer (valid until the caller advances it);
/// its items were checked once when it was read and are walked by <see cref="Values"/> without allocating, so a PDU
/// of thousands of 6-byte PDVs costs one object, not one per PDV.
/// </summary>
public sealed record PDataTfPdu : Pdu
{
    /// <summary>Builds a P-DATA-TF from its values (copies them: for writing and tests).</summary>
    public PDataTfPdu(IEnumerable<PresentationDataValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var body = new ArrayBufferWriter<byte>();
        foreach (PresentationDataValue value in values)
        {
            WritePdvHeader(body, value.PresentationContextId, value.IsCommand, value.IsLast, value.Data.Length);
            foreach (ReadOnlyMemory<byte> segment in value.Data)
            {
                body.Write(segment.Span);
            }
        }

        Items = new ReadOnlySequence<byte>(body.WrittenMemory);
    }

    private PDataTfPdu(ReadOnlySequence<byte> items) => Items = items;

    public override PduType Type => PduType.PData;

    /// <summary>The PDV items as on the wire (the PDU body).</summary>
    public ReadOnlySequence<byte> Items { get; }

    /// <summary>The PDV items, in order; enumerating them allocates nothing.</summary>
    public PresentationDataValues Values => new(Items);

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

    /// <summary>Checks every PDV item of a P-DATA-TF body, without copying or allocating per item.</summary>
    internal static PDataTfPdu Read(ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        if (reader.End)
        {
            throw ItemReader.Invalid("a P-DATA-TF has no PDV item");
        }

        while (!reader.End)
        {
            if (!reader.TryReadBigEndian(out int rawLength) || reader.Remaining < MinimumPdvItemLength)
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

            reader.Advance(length);
        }

        return new PDataTfPdu(body);
    }

    /// <summary>Reads the PDV item at the front of checked <paramref name="items"/> and slices it off.</summary>
    private static PresentationDataValue ReadItem(ref ReadOnlySequence<byte> items)
    {
        Span<byte> header = stackalloc byte[PdvHeaderLength];
        items.Slice(0, PdvHeaderLength).CopyTo(header);
        long dataLength = BinaryPrimitives.ReadUInt32BigEndian(header) - MinimumPdvItemLength;
        byte control = header[MessageControlHeaderOffset];
        ReadOnlySequence<byte> data = items.Slice(PdvHeaderLength, dataLength);
        items = items.Slice(data.End);
        return new PresentationDataValue(header[PresentationContextIdOffset], (control & CommandBit) != 0, (control & LastFragmentBit) != 0, data);
    }

    /// <summary>The PDV items of one P-DATA-TF: a struct enumerable over its checked bytes.</summary>
    public readonly struct PresentationDataValues(ReadOnlySequence<byte> items) : IEnumerable<PresentationDataValue>
    {
        /// <summary>Counts the items (walks them).</summary>
        public int Count
        {
            get
            {
                int count = 0;
                foreach (PresentationDataValue _ in this)
                {
                    count++;
                }

                return count;
            }
        }

        public Enumerator GetEnumerator() => new(items);

        IEnumerator<PresentationDataValue> IEnumerable<PresentationDataValue>.GetEnumerator() => GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Not a ref struct, so that an async loop may await inside <c>foreach</c>.</summary>
        public struct Enumerator(ReadOnlySequence<byte> items) : IEnumerator<PresentationDataValue>
        {
            private ReadOnlySequence<byte> _rest = items;

            public PresentationDataValue Current { get; private set; }

            readonly object System.Collections.IEnumerator.Current => Current;

            public bool MoveNext()
            {
                if (_rest.IsEmpty)
                {
                    return false;
                }

                Current = ReadItem(ref _rest);
                return true;
            }

            public readonly void Reset() => throw new NotSupportedException();

            public readonly void Dispose()
            {
            }
        }
    }

    internal static void Write(IBufferWriter<byte> output, PDataTfPdu pdu)
    {
        if (pdu.Items.Length > uint.MaxValue)
        {
            throw new ArgumentException("The P-DATA-TF is longer than a PDU-length can express.", nameof(pdu));
        }

        Span<byte> header = output.GetSpan(PduHeader.Length);
        PduHeader.Write(header, PduType.PData, (uint)pdu.Items.Length);
        output.Advance(PduHeader.Length);
        foreach (ReadOnlyMemory<byte> segment in pdu.Items)
        {
            output.Write(segment.Span);
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
