using System.Buffers;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Tests.Network.Pdus;

public sealed class PduIncrementalReadTests
{
    [Theory]
    [MemberData(nameof(PduSamples.Names), MemberType = typeof(PduSamples))]
    public void Every_strict_prefix_returns_false_and_leaves_the_buffer_unchanged(string name)
    {
        byte[] encoded = PduSamples.Encode(PduSamples.ByName(name));

        for (int length = 0; length < encoded.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(encoded, 0, length);
            ReadOnlySequence<byte> before = buffer;

            Assert.False(PduReader.TryReadPdu(ref buffer, PduSamples.MaxPData, out Pdu? pdu), $"prefix of {length} bytes");
            Assert.Null(pdu);
            Assert.Equal(before.Start, buffer.Start);
            Assert.Equal(before.End, buffer.End);
        }
    }

    [Theory]
    [MemberData(nameof(PduSamples.Names), MemberType = typeof(PduSamples))]
    public void Every_strict_prefix_in_one_byte_segments_returns_false_and_leaves_the_buffer_unchanged(string name)
    {
        byte[] encoded = PduSamples.Encode(PduSamples.ByName(name));

        for (int length = 0; length < encoded.Length; length++)
        {
            ReadOnlySequence<byte> buffer = Segments.OneBytePerSegment(encoded[..length]);
            ReadOnlySequence<byte> before = buffer;

            Assert.False(PduReader.TryReadPdu(ref buffer, PduSamples.MaxPData, out _), $"prefix of {length} bytes");
            Assert.Equal(before.Start, buffer.Start);
            Assert.Equal(before.End, buffer.End);
        }
    }

    [Theory]
    [MemberData(nameof(PduSamples.Names), MemberType = typeof(PduSamples))]
    public void Encoding_split_across_two_segments_at_any_offset_still_decodes(string name)
    {
        Pdu original = PduSamples.ByName(name);
        byte[] encoded = PduSamples.Encode(original);

        for (int cut = 1; cut < encoded.Length; cut++)
        {
            Pdu decoded = PduSamples.DecodeAll(Segments.SplitAt(encoded, cut));
            Assert.Equal(PduSamples.Describe(original), PduSamples.Describe(decoded));
        }
    }

    [Theory]
    [MemberData(nameof(PduSamples.Names), MemberType = typeof(PduSamples))]
    public void Encoding_in_one_byte_segments_still_decodes(string name)
    {
        Pdu original = PduSamples.ByName(name);

        Pdu decoded = PduSamples.DecodeAll(Segments.OneBytePerSegment(PduSamples.Encode(original)));

        Assert.Equal(PduSamples.Describe(original), PduSamples.Describe(decoded));
    }

    [Fact]
    public void Pdus_back_to_back_decode_in_order_and_a_trailing_partial_pdu_waits()
    {
        Pdu[] sent = [PduSamples.Request(), PduSamples.PData(), ReleaseRequestPdu.Instance, new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified)];
        byte[] partial = PduSamples.Encode(PduSamples.Accept())[..20];
        byte[] all = [.. sent.SelectMany(PduSamples.Encode), .. partial];
        ReadOnlySequence<byte> buffer = Segments.SplitAt(all, 7, 100, 101, all.Length - 5);

        var received = new List<Pdu>();
        while (PduReader.TryReadPdu(ref buffer, PduSamples.MaxPData, out Pdu? pdu))
        {
            received.Add(pdu);
        }

        Assert.Equal(sent.Select(PduSamples.Describe), received.Select(PduSamples.Describe));
        Assert.Equal(partial, buffer.ToArray());
    }

    [Fact]
    public void Empty_buffer_returns_false()
    {
        ReadOnlySequence<byte> buffer = ReadOnlySequence<byte>.Empty;

        Assert.False(PduReader.TryReadPdu(ref buffer, 0, out _));
    }
}
