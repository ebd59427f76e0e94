using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Checks;
using Imaging.Edge.Devices.Link.StxEtx;
using Imaging.Edge.Devices.Profiles;
using Microsoft.Extensions.Time.Testing;
using static Imaging.Edge.Devices.Tests.Link.Frames;

namespace Imaging.Edge.Devices.Tests.Link.StxEtx;

/// <summary>The stx-etx receiver driven as a device would drive it; replies read from what it wrote.</summary>
public sealed class StxEtxLinkTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly LinkRecorder _handler = new();
    private readonly List<StxEtxLink> _links = [];

    /// <summary>STX text ETX C1 C2, sum8 in hex over text and ETX, ACK/NAK (profile example b).</summary>
    private static readonly StxEtxOptions Checked = new()
    {
        Start = [Stx],
        End = [Etx],
        Check = new FrameCheck(Checksum.Of(ChecksumKind.Sum8), ChecksumEncoding.Hex, ByteOrder.BigEndian),
        CheckCoversEnd = true,
        Ack = Frames.Ack,
        Nak = Frames.Nak,
        MaxFrameSize = 64,
    };

    /// <summary>SOH header line, STX…CR records, EOT; no check, no replies (the NIDEK RT-5100 style, example a).</summary>
    private static readonly StxEtxOptions Refractor = new()
    {
        Start = [Soh, Stx],
        End = [Cr],
        EndOfMessage = Eot,
        MaxFrameSize = 64,
        MaxMessageSize = 256,
    };

    private StxEtxLink Create(StxEtxOptions options)
    {
        var link = new StxEtxLink(options, _handler, _time);
        _links.Add(link);
        return link;
    }

    public void Dispose() => _links.ForEach(l => l.Dispose());

    private byte[] Feed(StxEtxLink link, params byte[][] chunks)
    {
        foreach (var chunk in chunks)
            link.Receive(chunk);
        return _handler.Take();
    }

    [Fact]
    public void Each_frame_is_a_message_whose_ack_waits_until_it_is_durable()
    {
        var link = Create(Checked);

        Assert.Empty(Feed(link, Framed(Checked, "K 4.1 mmol/L")));

        var message = Assert.Single(_handler.Messages);
        Assert.Equal("K 4.1 mmol/L", Latin1String(message.Text));
        Assert.True(message.AwaitsAcknowledgement);
        Assert.False(link.Acknowledge(message.Number + 1, durable: true));
        Assert.Empty(_handler.Take());
        Assert.True(link.Acknowledge(message.Number, durable: true));
        Assert.Equal([Frames.Ack], _handler.Take());
        Assert.False(link.Acknowledge(message.Number, durable: true)); // only once
        Assert.Empty(_handler.Problems);
    }

    [Fact]
    public void A_message_not_stored_is_refused_and_its_resend_is_a_new_message()
    {
        var link = Create(Checked);
        Feed(link, Framed(Checked, "NA 140"));

        Assert.True(link.Acknowledge(1, durable: false));
        Assert.Equal([Frames.Nak], _handler.Take());
        Assert.Equal([LinkProblemKind.StoreFailed], _handler.ProblemKinds);

        Feed(link, Framed(Checked, "NA 140"));
        Assert.Equal([1L, 2L], _handler.Messages.Select(m => m.Number));
        Assert.True(link.Acknowledge(2, durable: true));
        Assert.Equal([Frames.Ack], _handler.Take());
    }

    [Fact]
    public void Bad_checksum_is_refused_and_the_retransmission_accepted()
    {
        var link = Create(Checked);
        var frame = Framed(Checked, "GLU 5.4");
        var damaged = (byte[])frame.Clone();
        damaged[3] ^= 0x01;

        Assert.Equal([Frames.Nak], Feed(link, damaged));
        Assert.Equal([LinkProblemKind.BadChecksum], _handler.ProblemKinds);
        Assert.Empty(_handler.Messages);

        Assert.Empty(Feed(link, frame));
        Assert.Equal(["GLU 5.4"], _handler.Texts);
    }

    [Fact]
    public void Empty_frame_is_acknowledged_at_once_and_is_no_message()
    {
        var link = Create(Checked);

        Assert.Equal([Frames.Ack], Feed(link, Framed(Checked, "")));
        Assert.Empty(_handler.Messages);
    }

    [Fact]
    public void Lower_case_hex_check_is_refused()
    {
        var link = Create(Checked);
        var frame = Framed(Checked, "X"); // 'X' + ETX = 0x5B: "5B"
        frame[^1] = (byte)'b';

        Assert.Equal([Frames.Nak], Feed(link, frame));
        Assert.Equal([LinkProblemKind.BadChecksum], _handler.ProblemKinds);
    }

    [Fact]
    public void Garbage_between_frames_is_ignored_and_reported_once_per_run()
    {
        var link = Create(Checked with { Ack = null, Nak = null });

        Feed(link, Latin1("noise noise"), Framed(Checked, "A 1"), Latin1("\r\n\r\n"), Framed(Checked, "B 2"), Framed(Checked, "C 3"));

        Assert.Equal(["A 1", "B 2", "C 3"], _handler.Texts);
        Assert.All(_handler.Messages, m => Assert.False(m.AwaitsAcknowledgement));
        Assert.Equal([LinkProblemKind.BytesOutsideFrame, LinkProblemKind.BytesOutsideFrame], _handler.ProblemKinds);
        Assert.False(link.Acknowledge(1, durable: true)); // no replies: nothing waits
        Assert.Empty(_handler.Take());
    }

    [Fact]
    public void Frame_over_the_maximum_is_refused_without_buffering_past_it_and_the_next_frame_accepted()
    {
        var link = Create(Checked);

        link.Receive([Stx, .. Latin1(new string('X', 200))]);
        Assert.Equal([Frames.Nak], _handler.Take());
        Assert.Equal([LinkProblemKind.FrameTooLong], _handler.ProblemKinds);
        Assert.Equal((0, 0), link.BufferedBytes);
        Feed(link, [Etx, (byte)'0', (byte)'0']); // the rest of the long frame: skipped, not reported again

        Feed(link, Framed(Checked, "OK"));
        Assert.Equal(["OK"], _handler.Texts);
        Assert.Single(_handler.Problems);
    }

    [Fact]
    public void Frame_of_exactly_the_maximum_is_accepted()
    {
        var link = Create(Checked);
        var frame = Framed(Checked, new string('Y', Checked.MaxFrameSize - 4)); // STX, text, ETX, two hex digits

        Assert.Equal(Checked.MaxFrameSize, frame.Length);
        Feed(link, frame);
        Assert.Single(_handler.Messages);
        Assert.Empty(_handler.Problems);
    }

    [Fact]
    public void Silence_for_the_receiver_timeout_discards_an_incomplete_frame()
    {
        var link = Create(Checked);

        Feed(link, [Stx, .. Latin1("HALF")]);
        _time.Advance(Checked.ReceiverTimeout - TimeSpan.FromSeconds(1));
        Feed(link, Latin1("WAY")); // a byte restarts the timeout
        _time.Advance(Checked.ReceiverTimeout - TimeSpan.FromSeconds(1));
        Assert.Empty(_handler.Problems);
        Assert.Equal(7, link.BufferedBytes.Frame);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([LinkProblemKind.ReceiverTimeout], _handler.ProblemKinds);
        Assert.Equal((0, 0), link.BufferedBytes);
        Feed(link, Latin1("ETX"), Framed(Checked, "NEXT")); // what follows is garbage up to the next frame
        Assert.Equal(["NEXT"], _handler.Texts);
    }

    [Fact]
    public void Refractor_message_is_a_header_line_and_records_up_to_eot_without_replies()
    {
        var link = Create(Refractor);

        Assert.Empty(Feed(link,
            Framed(Refractor, "NIDEK RT-5100 ID:0001", start: Soh),
            Framed(Refractor, "OR+ 1.25- 1.25150"),
            Framed(Refractor, "OL- 0.50- 0.75 85"),
            [Eot]));

        var message = Assert.Single(_handler.Messages);
        Assert.Equal("NIDEK RT-5100 ID:0001\rOR+ 1.25- 1.25150\rOL- 0.50- 0.75 85", Latin1String(message.Text));
        Assert.False(message.AwaitsAcknowledgement);
        Assert.False(link.Acknowledge(message.Number, durable: true));
        Assert.Empty(_handler.Take());
        Assert.Empty(_handler.Problems);
        Assert.Equal((0, 0), link.BufferedBytes);

        Feed(link, [Eot]); // an end of message with nothing before it
        Assert.Single(_handler.Messages);
    }

    [Fact]
    public void Refractor_message_cut_off_by_silence_is_discarded()
    {
        var link = Create(Refractor);

        Feed(link, Framed(Refractor, "HEADER", start: Soh), Framed(Refractor, "OR+ 1.25- 1.25150"));
        Assert.Equal(24, link.BufferedBytes.Message);
        _time.Advance(Refractor.ReceiverTimeout);

        Assert.Equal([LinkProblemKind.ReceiverTimeout], _handler.ProblemKinds);
        Assert.Equal((0, 0), link.BufferedBytes);
        Feed(link, [Eot]);
        Assert.Empty(_handler.Messages);
    }

    [Fact]
    public void Without_replies_a_lost_frame_discards_its_whole_message()
    {
        var link = Create(Refractor);

        Feed(link, Framed(Refractor, "HEADER", start: Soh), [Stx, .. Latin1(new string('X', 100))], [Cr],
            Framed(Refractor, "OL- 0.50- 0.75 85"), [Eot]);

        Assert.Empty(_handler.Messages);
        Assert.Equal([LinkProblemKind.FrameTooLong], _handler.ProblemKinds);

        Feed(link, Framed(Refractor, "HEADER", start: Soh), Framed(Refractor, "OR"), [Eot]); // the next message is whole
        Assert.Equal(["HEADER\rOR"], _handler.Texts);
    }

    [Fact]
    public void End_of_message_inside_a_frame_discards_the_message()
    {
        var link = Create(Refractor);

        Feed(link, Framed(Refractor, "HEADER", start: Soh), [Stx, .. Latin1("OR+ 1."), Eot]);

        Assert.Empty(_handler.Messages);
        Assert.Equal([LinkProblemKind.TransferInterrupted], _handler.ProblemKinds);
        Assert.Equal((0, 0), link.BufferedBytes);
    }

    [Fact]
    public void Start_byte_inside_a_frame_restarts_it()
    {
        var link = Create(Checked);

        Feed(link, [Stx, .. Latin1("PART")], Framed(Checked, "WHOLE"));

        Assert.Equal(["WHOLE"], _handler.Texts);
        Assert.Equal([LinkProblemKind.MalformedFrame], _handler.ProblemKinds);
    }

    [Fact]
    public void Message_over_the_maximum_is_discarded_up_to_its_end()
    {
        var link = Create(Refractor);
        var record = new string('R', 60);

        Feed(link, Framed(Refractor, record), Framed(Refractor, record), Framed(Refractor, record), Framed(Refractor, record), Framed(Refractor, record));
        Assert.InRange(link.BufferedBytes.Message, 0, Refractor.MaxMessageSize);
        Feed(link, [Eot]);

        Assert.Empty(_handler.Messages);
        Assert.Equal([LinkProblemKind.MessageTooLong], _handler.ProblemKinds);
        Assert.Equal((0, 0), link.BufferedBytes);
    }

    private static readonly StxEtxOptions MultiFrameWithReplies = Refractor with
    {
        Start = [Stx],
        End = [Etx],
        Check = Checked.Check,
        CheckCoversEnd = true,
        Ack = Frames.Ack,
        Nak = Frames.Nak,
    };

    [Fact]
    public void With_replies_frames_of_a_message_are_acked_and_the_end_of_message_waits_for_the_store()
    {
        var options = MultiFrameWithReplies;
        var link = Create(options);

        Assert.Equal([Frames.Ack], Feed(link, Framed(options, "H")));
        var damaged = Framed(options, "R1");
        damaged[^1] ^= 0x02;
        Assert.Equal([Frames.Nak], Feed(link, damaged));
        Assert.Equal([Frames.Ack], Feed(link, Framed(options, "R1"))); // the retransmission takes its place
        Assert.Empty(Feed(link, [Eot]));

        var message = Assert.Single(_handler.Messages);
        Assert.Equal("H\rR1", Latin1String(message.Text));
        Assert.True(message.AwaitsAcknowledgement);
        Assert.True(link.Acknowledge(message.Number, durable: true));
        Assert.Equal([Frames.Ack], _handler.Take());
    }

    [Fact]
    public void With_replies_a_message_ending_right_after_a_refused_frame_is_discarded()
    {
        var options = MultiFrameWithReplies;
        var link = Create(options);
        var damaged = Framed(options, "R1");
        damaged[2] ^= 0x01;

        Feed(link, Framed(options, "H"), damaged);
        Assert.Equal([Frames.Nak], Feed(link, [Eot]));

        Assert.Empty(_handler.Messages);
        Assert.Equal([LinkProblemKind.BadChecksum, LinkProblemKind.TransferInterrupted], _handler.ProblemKinds);
    }

    [Fact]
    public void A_new_frame_while_a_message_waits_cancels_its_reply()
    {
        var link = Create(Checked);
        Feed(link, Framed(Checked, "ONE"));
        Feed(link, Framed(Checked, "ONE")); // the device gave up waiting and sent it again

        Assert.False(link.Acknowledge(1, durable: true));
        Assert.Empty(_handler.Take());
        Assert.True(link.Acknowledge(2, durable: true));
        Assert.Equal([Frames.Ack], _handler.Take());
    }

    public static TheoryData<string, string, string, bool> Variants()
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (var kind in Enum.GetNames<ChecksumKind>())
        {
            data.Add(kind, nameof(ChecksumEncoding.Hex), nameof(ChecksumPosition.AfterEnd), false);
            data.Add(kind, nameof(ChecksumEncoding.Hex), nameof(ChecksumPosition.BeforeEnd), true);
            data.Add(kind, nameof(ChecksumEncoding.Binary), nameof(ChecksumPosition.AfterEnd), true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_check_variant_accepts_its_frames_and_refuses_a_damaged_one(string kindName, string encodingName, string positionName, bool coversStart)
    {
        var kind = Enum.Parse<ChecksumKind>(kindName);
        var encoding = Enum.Parse<ChecksumEncoding>(encodingName);
        var position = Enum.Parse<ChecksumPosition>(positionName);
        var options = Checked with
        {
            Check = new FrameCheck(Checksum.Of(kind), encoding, kind == ChecksumKind.Crc16X25 ? ByteOrder.LittleEndian : ByteOrder.BigEndian),
            CheckPosition = position,
            CheckCoversStart = coversStart,
            CheckCoversEnd = position == ChecksumPosition.AfterEnd,
        };
        var link = Create(options);

        Feed(link, Framed(options, "123456789"));
        var damaged = Framed(options, "123456789");
        damaged[5] ^= 0x10;
        Assert.Equal([Frames.Nak], Feed(link, damaged));

        Assert.Equal(["123456789"], _handler.Texts);
        Assert.Equal([LinkProblemKind.BadChecksum], _handler.ProblemKinds);
    }

    [Fact]
    public void Check_before_the_end_byte_is_read_from_the_frame_text()
    {
        var options = Checked with
        {
            Start = [Stx],
            End = [Cr],
            Check = new FrameCheck(Checksum.Of(ChecksumKind.Crc16CcittFalse), ChecksumEncoding.Hex, ByteOrder.BigEndian),
            CheckPosition = ChecksumPosition.BeforeEnd,
            CheckCoversEnd = false,
        };
        var link = Create(options);

        Feed(link, [Stx, .. "123456789"u8, .. "29B1"u8, Cr]); // the published check value, written by hand
        Assert.Equal(["123456789"], _handler.Texts);
        Feed(link, [Stx, .. "29B"u8, Cr]);
        Assert.Equal([LinkProblemKind.MalformedFrame], _handler.ProblemKinds);
    }

    [Fact]
    public void Any_split_of_the_input_gives_the_same_messages()
    {
        var input = new List<byte>();
        input.AddRange(Framed(Refractor, "HEADER", start: Soh));
        input.AddRange(Framed(Refractor, "OR+ 1.25- 1.25150"));
        input.Add(Eot);
        for (var split = 0; split <= input.Count; split++)
        {
            _handler.Messages.Clear();
            using var link = new StxEtxLink(Refractor, _handler, _time);
            link.Receive(input.GetRange(0, split).ToArray());
            link.Receive(input.GetRange(split, input.Count - split).ToArray());
            Assert.Equal(["HEADER\rOR+ 1.25- 1.25150"], _handler.Texts);
        }
    }
}
