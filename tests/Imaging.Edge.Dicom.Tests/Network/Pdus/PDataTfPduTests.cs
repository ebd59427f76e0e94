using System.Buffers;
using System.Runtime.InteropServices;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Tests.Network.Pdus;

public sealed class PDataTfPduTests
{
    [Fact]
    public void Several_pdvs_decode_in_order_with_their_flags()
    {
        // PS3.8 §9.3.5 / Annex E.2: PDU header, then PDV items: 4-byte length, context id, control header (bit 0 command, bit 1 last).
        byte[] bytes = Convert.FromHexString(
            "04 00 0000001B" .Replace(" ", "") +
            "00000005 01 03 AABBCC".Replace(" ", "") +
            "00000004 03 00 DDEE".Replace(" ", "") +
            "00000006 03 02 01020304".Replace(" ", ""));

        var pdu = (PDataTfPdu)PduSamples.DecodeAll(bytes);
        PresentationDataValue[] values = [.. pdu.Values];

        Assert.Equal(3, pdu.Values.Count);
        Assert.Equal((byte)1, values[0].PresentationContextId);
        Assert.True(values[0].IsCommand);
        Assert.True(values[0].IsLast);
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, values[0].Data.ToArray());
        Assert.Equal((byte)3, values[1].PresentationContextId);
        Assert.False(values[1].IsCommand);
        Assert.False(values[1].IsLast);
        Assert.Equal(new byte[] { 0xDD, 0xEE }, values[1].Data.ToArray());
        Assert.False(values[2].IsCommand);
        Assert.True(values[2].IsLast);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, values[2].Data.ToArray());
    }

    [Fact]
    public void Pdv_spanning_segments_is_a_zero_copy_slice_of_the_input()
    {
        byte[] header = Convert.FromHexString("0400000000" + "0E" + "0000000A" + "0102");
        byte[] firstPart = [1, 2, 3];
        byte[] secondPart = [4, 5, 6, 7, 8];
        ReadOnlySequence<byte> buffer = Segments.Of(header, firstPart, secondPart);

        Assert.True(PduReader.TryReadPdu(ref buffer, PduSamples.MaxPData, out Pdu? pdu));

        PresentationDataValue value = Assert.Single(((PDataTfPdu)pdu).Values);
        Assert.False(value.Data.IsSingleSegment);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, value.Data.ToArray());
        Assert.False(value.IsCommand);
        Assert.True(value.IsLast);
    }

    [Fact]
    public void Pdv_data_refers_to_the_callers_memory()
    {
        byte[] encoded = PduSamples.Encode(PduSamples.PData());
        var buffer = new ReadOnlySequence<byte>(encoded);

        Assert.True(PduReader.TryReadPdu(ref buffer, PduSamples.MaxPData, out Pdu? pdu));

        Assert.True(MemoryMarshal.TryGetArray(((PDataTfPdu)pdu).Values.ElementAt(1).Data.First, out ArraySegment<byte> segment));
        Assert.Same(encoded, segment.Array);
    }

    [Fact]
    public void WritePData_writes_one_pdv_at_the_standard_offsets()
    {
        var output = new ArrayBufferWriter<byte>();

        PduWriter.WritePData(output, presentationContextId: 5, isCommand: true, isLast: false, [0xAA, 0xBB, 0xCC]);

        Assert.Equal(Convert.FromHexString("040000000009" + "00000005" + "05" + "01" + "AABBCC"), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WritePData_matches_writing_a_single_value_pdu()
    {
        byte[] data = [.. Enumerable.Range(0, 1000).Select(i => (byte)i)];
        var fast = new ArrayBufferWriter<byte>();
        PduWriter.WritePData(fast, 7, isCommand: false, isLast: true, data);

        byte[] general = PduSamples.Encode(new PDataTfPdu([new PresentationDataValue(7, false, true, new ReadOnlySequence<byte>(data))]));

        Assert.Equal(general, fast.WrittenSpan.ToArray());
    }

    [Fact]
    public void Multi_segment_pdv_data_is_written_whole()
    {
        ReadOnlySequence<byte> data = Segments.Of([1, 2], [3], [4, 5, 6]);
        byte[] encoded = PduSamples.Encode(new PDataTfPdu([new PresentationDataValue(1, false, true, data)]));

        Assert.Equal(Convert.FromHexString("04000000000C" + "00000008" + "01" + "02" + "010203040506"), encoded);
    }
}

public sealed class PDataTfPduAllocationTests
{
    /// <summary>A P-DATA-TF of the largest length we advertise, filled with empty 6-byte PDV items.</summary>
    private static byte[] PduOfEmptyPdvs(uint maxLength, out int count)
    {
        count = (int)(maxLength / 6);
        var bytes = new byte[6 + count * 6];
        bytes[0] = (byte)PduType.PData;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(2), (uint)(count * 6));
        for (var i = 0; i < count; i++)
        {
            var item = bytes.AsSpan(6 + i * 6, 6);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(item, 2); // item-length: context id + control header only
            item[4] = 1;
            item[5] = 0;
        }
        return bytes;
    }

    private static int ReadAndWalk(byte[] bytes, uint maxLength)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(PduReader.TryReadPdu(ref buffer, maxLength, out Pdu? pdu));
        var walked = 0;
        foreach (PresentationDataValue value in ((PDataTfPdu)pdu).Values)
        {
            walked += value.PresentationContextId;
        }
        return walked;
    }

    [Fact]
    public void A_pdu_of_tiny_pdvs_is_read_and_walked_without_an_allocation_per_pdv()
    {
        // Each PDV used to become an entry of a list: 6 bytes on the wire cost ~40 bytes of heap, 8-16x the PDU.
        const uint MaxLength = 256 * 1024;
        byte[] bytes = PduOfEmptyPdvs(MaxLength, out int count);
        Assert.Equal(count, ReadAndWalk(bytes, MaxLength)); // warm up (JIT, statics)

        long before = GC.GetAllocatedBytesForCurrentThread();
        int walked = ReadAndWalk(bytes, MaxLength);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(count, walked);
        Assert.True(allocated < 1024, $"reading and walking a P-DATA-TF of {count} PDVs allocated {allocated} bytes; a few objects per PDU are the budget, none per PDV");
    }
}
