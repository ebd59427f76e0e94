using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Astm;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.Link.Astm;

/// <summary>The receiver driven byte by byte, as a device would drive it; replies read from what it wrote.</summary>
public sealed class AstmReceiverTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingHandler _handler = new();
    private bool _busy;
    private readonly AstmReceiver _receiver;

    public AstmReceiverTests() => _receiver = Create(new AstmLinkOptions());

    private AstmReceiver Create(AstmLinkOptions options) => new(options, _handler, _time, () => _busy);

    public void Dispose() => _receiver.Dispose();

    private byte[] Feed(params byte[][] chunks)
    {
        foreach (var chunk in chunks)
            _receiver.Receive(chunk);
        return _handler.Take();
    }

    private static readonly byte[] Enq = [AstmControl.Enq];
    private static readonly byte[] Eot = [AstmControl.Eot];
    private const byte Ack = AstmControl.Ack;
    private const byte Nak = AstmControl.Nak;

    [Fact]
    public void Enq_is_answered_with_ack()
    {
        Assert.Equal([Ack], Feed(Enq));
    }

    [Fact]
    public void Enq_is_answered_with_nak_while_the_caller_refuses_data()
    {
        _busy = true;

        Assert.Equal([Nak], Feed(Enq));
        Assert.Equal([LinkProblemKind.RefusedBusy], _handler.ProblemKinds);
        Assert.False(_receiver.IsBusy);
        Assert.Empty(Feed(Bytes.Frame(1, "H|\\^&\r", last: true))); // no transfer was established: frames are noise
    }

    [Fact]
    public void Last_frame_is_acknowledged_only_when_the_caller_says_the_message_is_durable()
    {
        Feed(Enq);

        Assert.Equal([Ack], Feed(Bytes.Frame(1, "H|\\^&\rP|1\r", last: false)));
        Assert.Empty(Feed(Bytes.Frame(2, "R|1|^^^GLU|5.4\rL|1\r", last: true)));

        var message = Assert.Single(_handler.Messages);
        Assert.True(message.AwaitsAcknowledgement);
        Assert.Equal(Bytes.Latin1("H|\\^&\rP|1\rR|1|^^^GLU|5.4\rL|1\r"), message.Text);
        Assert.False(_receiver.Acknowledge(message.Number + 1, durable: true)); // another message: nothing sent
        Assert.Empty(_handler.Take());

        Assert.True(_receiver.Acknowledge(message.Number, durable: true));
        Assert.Equal([Ack], _handler.Take());
        Assert.False(_receiver.Acknowledge(message.Number, durable: true)); // only once
        Assert.Empty(Feed(Eot));
        Assert.False(_receiver.IsBusy);
    }

    [Fact]
    public void Store_failure_naks_the_last_frame_and_its_retransmission_completes_the_message_again()
    {
        Feed(Enq, Bytes.Frame(1, "H|\\^&\r", last: false));
        Feed(Bytes.Frame(2, "L|1\r", last: true));
        var first = Assert.Single(_handler.Messages);

        Assert.True(_receiver.Acknowledge(first.Number, durable: false));
        Assert.Equal([Nak], _handler.Take());
        Assert.Contains(LinkProblemKind.StoreFailed, _handler.ProblemKinds);

        Assert.Empty(Feed(Bytes.Frame(2, "L|1\r", last: true)));
        Assert.Equal(2, _handler.Messages.Count);
        Assert.Equal(first.Text, _handler.Messages[1].Text);
        Assert.True(_receiver.Acknowledge(_handler.Messages[1].Number, durable: true));
        Assert.Equal([Ack], _handler.Take());
    }

    [Fact]
    public void Characters_before_stx_are_ignored()
    {
        Feed(Enq);

        Assert.Equal([Ack], Feed(Bytes.Latin1("garbage\r\n\u0001 "), Bytes.Frame(1, "H|\\^&\r", last: false), Bytes.Latin1("\0\0xx")));
        Assert.Empty(_handler.Problems);
    }

    [Fact]
    public void Bad_checksum_is_answered_with_nak()
    {
        Feed(Enq);
        var frame = Bytes.Frame(1, "H|\\^&\r", last: false);
        frame[^4] = frame[^4] == (byte)'0' ? (byte)'1' : (byte)'0';

        Assert.Equal([Nak], Feed(frame));
        Assert.Equal([LinkProblemKind.BadChecksum], _handler.ProblemKinds);
        Assert.Equal([Ack], Feed(Bytes.Frame(1, "H|\\^&\r", last: false))); // the retransmission is taken
    }

    [Fact]
    public void Non_ascii_text_counts_in_the_checksum_by_byte_value()
    {
        Feed(Enq);

        Assert.Equal([Ack], Feed(Bytes.Frame(1, "P|1||\u00C4\u00FF\u0080\r", last: false)));
        Feed(Bytes.Frame(2, "L|1\r", last: true));
        Assert.Equal(Bytes.Latin1("P|1||\u00C4\u00FF\u0080\rL|1\r"), Assert.Single(_handler.Messages).Text);
    }

    [Fact]
    public void Repeated_frame_number_is_a_retransmission_acknowledged_but_not_appended_twice()
    {
        Feed(Enq, Bytes.Frame(1, "H|\\^&\r", last: false));

        Assert.Equal([Ack], Feed(Bytes.Frame(1, "H|\\^&\r", last: false)));
        Feed(Bytes.Frame(2, "L|1\r", last: true));
        Assert.Equal(Bytes.Latin1("H|\\^&\rL|1\r"), Assert.Single(_handler.Messages).Text);
        Assert.Empty(_handler.Problems);
    }

    [Theory]
    [InlineData(0)] // the first frame is 1
    [InlineData(3)] // skipping one
    [InlineData(7)]
    public void Frame_number_neither_last_nor_next_is_answered_with_nak(int wrong)
    {
        Feed(Enq, Bytes.Frame(1, "H|\\^&\r", last: false));

        Assert.Equal([Nak], Feed(Bytes.Frame(wrong == 0 ? 0 : wrong, "P|1\r", last: false)));
        Assert.Equal([LinkProblemKind.BadFrameNumber], _handler.ProblemKinds);
    }

    [Fact]
    public void First_frame_numbered_zero_is_refused()
    {
        Feed(Enq);

        Assert.Equal([Nak], Feed(Bytes.Frame(0, "H|\\^&\r", last: false)));
    }

    [Fact]
    public void Frame_numbers_wrap_from_7_to_0()
    {
        Feed(Enq);
        for (var i = 1; i <= 9; i++)
            Assert.Equal([Ack], Feed(Bytes.Frame(i % 8, $"C|{i}\r", last: false)));
        Feed(Bytes.Frame(10 % 8, "L|1\r", last: true));

        Assert.StartsWith("C|1\rC|2\r", Bytes.Latin1String(Assert.Single(_handler.Messages).Text));
        Assert.Empty(_handler.Problems);
    }

    [Fact]
    public void Eot_before_the_last_frame_discards_the_incomplete_message()
    {
        Feed(Enq, Bytes.Frame(1, "H|\\^&\r", last: false));

        Assert.Empty(Feed(Eot));
        Assert.Empty(_handler.Messages);
        Assert.Equal([LinkProblemKind.TransferInterrupted], _handler.ProblemKinds);
        Assert.Equal((0, 0), _receiver.BufferedBytes);

        Feed(Enq, Bytes.Frame(1, "H|\\^&\r", last: false), Bytes.Frame(2, "L|1\r", last: true));
        Assert.Equal(Bytes.Latin1("H|\\^&\rL|1\r"), Assert.Single(_handler.Messages).Text); // numbering started over
    }

    [Fact]
    public void Device_silent_for_30_seconds_mid_message_loses_the_incomplete_message()
    {
        Feed(Enq, Bytes.Frame(1, "H|\\^&\r", last: false), Bytes.Latin1("\u00022P|1|"));

        _time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.True(_receiver.IsBusy);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.False(_receiver.IsBusy);
        Assert.Equal([LinkProblemKind.ReceiverTimeout], _handler.ProblemKinds);
        Assert.Empty(_handler.Messages);
        Assert.Equal((0, 0), _receiver.BufferedBytes);
        Assert.Empty(Feed(Bytes.Frame(2, "L|1\r", last: true))); // back to neutral: a late frame is noise
    }

    [Fact]
    public void The_timeout_runs_from_the_last_reply()
    {
        Feed(Enq);
        _time.Advance(TimeSpan.FromSeconds(20));
        Feed(Bytes.Frame(1, "H|\\^&\r", last: false));
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.True(_receiver.IsBusy);
        Assert.Empty(_handler.Problems);
    }

    [Fact]
    public void No_timeout_while_the_caller_stores_the_message()
    {
        Feed(Enq, Bytes.Frame(1, "L|1\r", last: true));
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Empty(_handler.Problems);
        Assert.True(_receiver.Acknowledge(_handler.Messages[0].Number, durable: true));
        Assert.Equal([Ack], _handler.Take());
    }

    [Fact]
    public void Eot_while_storing_makes_the_late_acknowledgement_send_nothing()
    {
        Feed(Enq, Bytes.Frame(1, "L|1\r", last: true));
        Feed(Eot);

        Assert.False(_receiver.Acknowledge(_handler.Messages[0].Number, durable: true));
        Assert.Empty(_handler.Take());
        Assert.Equal([Ack], Feed(Enq)); // the device may send it again
    }

    [Fact]
    public void Frame_over_the_legacy_maximum_is_refused_and_never_buffered_past_it()
    {
        using var receiver = new AstmReceiver(new AstmLinkOptions { MaxFrameSize = AstmLinkOptions.LegacyMaxFrameSize }, _handler, _time);
        receiver.Receive(Enq);
        _handler.Take();

        receiver.Receive(Bytes.Frame(1, new string('X', 240), last: false));
        Assert.Equal([Ack], _handler.Take()); // 247 characters: the largest legal frame

        var tooLong = Bytes.Frame(2, new string('X', 241), last: false);
        receiver.Receive(tooLong.AsSpan(0, tooLong.Length - 1));
        Assert.True(receiver.BufferedBytes.Frame <= AstmLinkOptions.LegacyMaxFrameSize);
        receiver.Receive(tooLong.AsSpan(tooLong.Length - 1));
        Assert.Equal([Nak], _handler.Take());
        Assert.Equal([LinkProblemKind.FrameTooLong], _handler.ProblemKinds);
    }

    [Fact]
    public void Message_over_the_memory_bound_is_refused()
    {
        using var receiver = new AstmReceiver(new AstmLinkOptions { MaxMessageSize = 100 }, _handler, _time);
        receiver.Receive(Enq);
        receiver.Receive(Bytes.Frame(1, new string('X', 90), last: false));
        receiver.Receive(Bytes.Frame(2, new string('X', 20), last: false));

        Assert.Equal([Ack, Ack, Nak], _handler.Take());
        Assert.Equal([LinkProblemKind.MessageTooLong], _handler.ProblemKinds);
        Assert.Equal(90, receiver.BufferedBytes.Message);
    }

    [Fact]
    public void Terminator_record_boundary_defers_only_the_frame_carrying_L()
    {
        using var receiver = new AstmReceiver(new AstmLinkOptions { MessageBoundary = AstmMessageBoundary.TerminatorRecord }, _handler, _time);
        receiver.Receive(Enq);
        receiver.Receive(Bytes.Frame(1, "H|\\^&\r", last: true));
        receiver.Receive(Bytes.Frame(2, "R|1|^^^GLU|5.4\r", last: true));
        Assert.Equal([Ack, Ack, Ack], _handler.Take());
        Assert.Empty(_handler.Messages);

        receiver.Receive(Bytes.Frame(3, "L|1|N\r", last: true));
        Assert.Empty(_handler.Take());
        var message = Assert.Single(_handler.Messages);
        Assert.Equal(Bytes.Latin1("H|\\^&\rR|1|^^^GLU|5.4\rL|1|N\r"), message.Text);
        Assert.True(receiver.Acknowledge(message.Number, durable: true));
        Assert.Equal([Ack], _handler.Take());
    }

    [Fact]
    public void Terminator_record_boundary_hands_over_acknowledged_records_when_the_device_ends_without_L()
    {
        using var receiver = new AstmReceiver(new AstmLinkOptions { MessageBoundary = AstmMessageBoundary.TerminatorRecord }, _handler, _time);
        receiver.Receive(Enq);
        receiver.Receive(Bytes.Frame(1, "H|\\^&\r", last: true));
        receiver.Receive(Bytes.Frame(2, "R|1|^^^GLU|", last: false));
        receiver.Receive(Eot);

        var message = Assert.Single(_handler.Messages);
        Assert.False(message.AwaitsAcknowledgement); // its frames were acknowledged: it must be stored as received
        Assert.Equal(Bytes.Latin1("H|\\^&\r"), message.Text);
        Assert.Equal([LinkProblemKind.TransferInterrupted], _handler.ProblemKinds);
    }

    [Theory]
    [InlineData("L|1\r", true)]
    [InlineData("H|\\^&\rL|1|N\r", true)]
    [InlineData("L\r", true)]
    [InlineData("H|\\^&\rLX|1\r", false)]
    [InlineData("R|1|L\r", false)]
    [InlineData("\r\r", false)]
    public void Recognises_a_terminator_record(string text, bool expected) =>
        Assert.Equal(expected, AstmReceiver.EndsWithTerminatorRecord(Bytes.Latin1(text)));
}
