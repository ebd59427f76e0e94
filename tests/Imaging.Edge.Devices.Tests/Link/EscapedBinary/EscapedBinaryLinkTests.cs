using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Checks;
using Imaging.Edge.Devices.Link.EscapedBinary;
using Imaging.Edge.Devices.Profiles;
using Microsoft.Extensions.Time.Testing;
using static Imaging.Edge.Devices.Tests.Link.Frames;

namespace Imaging.Edge.Devices.Tests.Link.EscapedBinary;

/// <summary>The escaped-binary receiver driven as a device would drive it; replies read from what it wrote.</summary>
public sealed class EscapedBinaryLinkTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly LinkRecorder _handler = new();
    private readonly List<EscapedBinaryLink> _links = [];

    /// <summary>PPP-style (RFC 1662): 0x7E flags, 0x7D ^ 0x20 escapes, FCS-16 little-endian; ACK/NAK (example c).</summary>
    private static readonly EscapedBinaryOptions Ppp = new()
    {
        StartFlag = 0x7E,
        EndFlag = 0x7E,
        Escape = 0x7D,
        Xor = 0x20,
        Check = new FrameCheck(Checksum.Of(ChecksumKind.Crc16X25), ChecksumEncoding.Binary, ByteOrder.LittleEndian),
        Ack = Frames.Ack,
        Nak = Frames.Nak,
        MaxFrameSize = 64,
    };

    /// <summary>Distinct flags 0xC0 / 0xC1, escape 0xDB ^ 0x20, a 2-byte length field, CRC-16/CCITT-FALSE big-endian; no replies.</summary>
    private static readonly EscapedBinaryOptions Monitor = new()
    {
        StartFlag = 0xC0,
        EndFlag = 0xC1,
        Escape = 0xDB,
        Xor = 0x20,
        Length = new LengthFieldSettings { Offset = 1, Width = 2, Counts = LengthCounts.Payload },
        Check = new FrameCheck(Checksum.Of(ChecksumKind.Crc16CcittFalse), ChecksumEncoding.Binary, ByteOrder.BigEndian),
        MaxFrameSize = 64,
    };

    private EscapedBinaryLink Create(EscapedBinaryOptions options)
    {
        var link = new EscapedBinaryLink(options, _handler, _time);
        _links.Add(link);
        return link;
    }

    public void Dispose() => _links.ForEach(l => l.Dispose());

    private byte[] Feed(EscapedBinaryLink link, params byte[][] chunks)
    {
        foreach (var chunk in chunks)
            link.Receive(chunk);
        return _handler.Take();
    }

    private static readonly byte[] Payload = [0x01, 0x7E, 0x7D, 0x20, 0x00, 0xFF, 0xC0, 0xC1, 0xDB];

    [Fact]
    public void Frame_is_unescaped_checked_and_its_payload_is_the_message_whose_ack_waits_until_durable()
    {
        var link = Create(Ppp);
        var wire = Escaped(Ppp, Payload);
        Assert.Contains((byte)0x5E, wire); // 0x7E went escaped: 0x7D 0x5E

        Assert.Empty(Feed(link, wire));

        var message = Assert.Single(_handler.Messages);
        Assert.Equal(Payload, message.Text);
        Assert.True(message.AwaitsAcknowledgement);
        Assert.True(link.Acknowledge(message.Number, durable: true));
        Assert.Equal([Frames.Ack], _handler.Take());
        Assert.False(link.Acknowledge(message.Number, durable: true));
        Assert.Empty(_handler.Problems);
    }

    [Fact]
    public void Message_not_stored_is_refused()
    {
        var link = Create(Ppp);
        Feed(link, Escaped(Ppp, Payload));

        Assert.True(link.Acknowledge(1, durable: false));
        Assert.Equal([Frames.Nak], _handler.Take());
        Assert.Equal([LinkProblemKind.StoreFailed], _handler.ProblemKinds);
    }

    [Fact]
    public void Frames_sharing_one_flag_and_idle_flags_between_them()
    {
        var link = Create(Ppp with { Ack = null, Nak = null });
        var first = Escaped(Ppp, [0x10]);
        var second = Escaped(Ppp, [0x20]);

        Feed(link, [0x7E, 0x7E], first, second[1..], [0x7E, 0x7E, 0x7E]); // the end flag of one is the start of the next

        Assert.Equal([[0x10], [0x20]], _handler.Messages.Select(m => m.Text));
        Assert.All(_handler.Messages, m => Assert.False(m.AwaitsAcknowledgement));
        Assert.Empty(_handler.Problems);
    }

    [Fact]
    public void Bad_fcs_is_refused_and_the_retransmission_accepted()
    {
        var link = Create(Ppp);
        var wire = Escaped(Ppp, [0x31, 0x32, 0x33]);
        var damaged = (byte[])wire.Clone();
        damaged[2] ^= 0x04;

        Assert.Equal([Frames.Nak], Feed(link, damaged));
        Assert.Equal([LinkProblemKind.BadChecksum], _handler.ProblemKinds);
        Assert.Empty(_handler.Messages);

        Assert.Empty(Feed(link, wire));
        Assert.Equal([0x31, 0x32, 0x33], Assert.Single(_handler.Messages).Text);
    }

    [Fact]
    public void Garbage_before_the_first_flag_is_reported_once_per_run()
    {
        var link = Create(Monitor);

        Feed(link, [0x55, 0x55, 0x55], Escaped(Monitor, [0x41, 0x42]), [0x00, 0x00], Escaped(Monitor, [0x43]));

        Assert.Equal([[0x41, 0x42], [0x43]], _handler.Messages.Select(m => m.Text));
        Assert.Equal([LinkProblemKind.BytesOutsideFrame, LinkProblemKind.BytesOutsideFrame], _handler.ProblemKinds);
    }

    [Fact]
    public void Frame_over_the_maximum_is_refused_without_buffering_past_it()
    {
        var link = Create(Ppp);

        link.Receive([0x7E, .. Enumerable.Repeat((byte)0x41, 100)]);
        Assert.Equal([Frames.Nak], _handler.Take());
        Assert.Equal([LinkProblemKind.FrameTooLong], _handler.ProblemKinds);
        Assert.Equal((0, 0), link.BufferedBytes);

        Feed(link, [0x7E], Escaped(Ppp, [0x01])[1..]); // the flag ends the skipped frame and opens the next
        Assert.Equal([0x01], Assert.Single(_handler.Messages).Text);
    }

    [Fact]
    public void Length_field_claiming_more_than_the_maximum_is_refused_as_soon_as_it_is_read()
    {
        var link = Create(Monitor);

        link.Receive([0xC0, 0x01, 0x10, 0x00]); // header byte, then a length of 4096

        Assert.Equal([LinkProblemKind.FrameTooLong], _handler.ProblemKinds);
        Assert.Equal((0, 0), link.BufferedBytes);
        Feed(link, [0x41, 0x41, 0xC1], Escaped(Monitor, [0x09, 0x42]));
        Assert.Equal([0x09, 0x42], Assert.Single(_handler.Messages).Text);
    }

    [Fact]
    public void Length_that_disagrees_with_the_frame_is_refused()
    {
        var options = Monitor with { Ack = Frames.Ack, Nak = Frames.Nak };
        var link = Create(options);
        var unescaped = Unescaped(options, [0x09, 0x41, 0x42]);
        unescaped[2]++; // the length's low byte: one more than the payload
        var crc = Checksum.Of(ChecksumKind.Crc16CcittFalse).Compute(unescaped.AsSpan(0, unescaped.Length - 2));
        unescaped[^2] = (byte)(crc >> 8);
        unescaped[^1] = (byte)crc;

        Assert.Equal([Frames.Nak], Feed(link, [0xC0, .. unescaped, 0xC1]));
        Assert.Equal([LinkProblemKind.MalformedFrame], _handler.ProblemKinds);
        Assert.Empty(_handler.Messages);
    }

    public static TheoryData<string, int, string, int> LengthFields() => new()
    {
        { nameof(LengthCounts.Payload), 1, nameof(ByteOrder.BigEndian), 0 },
        { nameof(LengthCounts.AfterField), 2, nameof(ByteOrder.LittleEndian), 0 },
        { nameof(LengthCounts.Frame), 2, nameof(ByteOrder.BigEndian), 3 },
        { nameof(LengthCounts.Payload), 2, nameof(ByteOrder.LittleEndian), 2 },
    };

    [Theory]
    [MemberData(nameof(LengthFields))]
    public void Length_field_is_checked_and_left_out_of_the_message(string counts, int width, string order, int offset)
    {
        var options = Ppp with
        {
            Length = new LengthFieldSettings { Offset = offset, Width = width, ByteOrder = Enum.Parse<ByteOrder>(order), Counts = Enum.Parse<LengthCounts>(counts) },
        };
        var link = Create(options);

        Feed(link, Escaped(options, Payload));

        Assert.Equal(Payload, Assert.Single(_handler.Messages).Text);
        Assert.Empty(_handler.Problems);
    }

    [Fact]
    public void Frame_too_short_for_its_fields_is_refused()
    {
        var link = Create(Monitor);

        Feed(link, [0xC0, 0x01, 0xC1]);

        Assert.Equal([LinkProblemKind.MalformedFrame], _handler.ProblemKinds);
    }

    [Fact]
    public void Escape_followed_by_a_flag_aborts_the_frame()
    {
        var link = Create(Ppp);

        Feed(link, [0x7E, 0x41, 0x42, 0x7D, 0x7E], Escaped(Ppp, [0x43])[1..]);

        Assert.Equal([LinkProblemKind.MalformedFrame], _handler.ProblemKinds);
        Assert.Equal([0x43], Assert.Single(_handler.Messages).Text);
    }

    [Fact]
    public void Silence_for_the_receiver_timeout_discards_an_incomplete_frame()
    {
        var link = Create(Ppp);

        Feed(link, [0x7E, 0x41, 0x42]);
        _time.Advance(Ppp.ReceiverTimeout - TimeSpan.FromSeconds(1));
        Assert.Empty(_handler.Problems);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([LinkProblemKind.ReceiverTimeout], _handler.ProblemKinds);
        Assert.Equal((0, 0), link.BufferedBytes);
        Feed(link, Escaped(Ppp, [0x44]));
        Assert.Equal([0x44], Assert.Single(_handler.Messages).Text);
    }

    [Fact]
    public void Idle_flags_do_not_start_the_timeout()
    {
        var link = Create(Ppp);

        Feed(link, [0x7E, 0x7E]);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(_handler.Problems);
    }

    [Fact]
    public void A_new_frame_while_a_message_waits_cancels_its_reply()
    {
        var link = Create(Ppp);
        Feed(link, Escaped(Ppp, [0x01]), Escaped(Ppp, [0x01]));

        Assert.False(link.Acknowledge(1, durable: true));
        Assert.True(link.Acknowledge(2, durable: true));
        Assert.Equal([Frames.Ack], _handler.Take());
    }

    [Fact]
    public void Any_split_of_the_input_gives_the_same_messages()
    {
        byte[] input = [.. Escaped(Monitor, Payload), .. Escaped(Monitor, [0x77])];
        for (var split = 0; split <= input.Length; split++)
        {
            _handler.Messages.Clear();
            using var link = new EscapedBinaryLink(Monitor, _handler, _time);
            link.Receive(input.AsSpan(0, split));
            link.Receive(input.AsSpan(split));
            Assert.Equal([Payload, [0x77]], _handler.Messages.Select(m => m.Text));
        }
        Assert.Empty(_handler.Problems);
    }
}
