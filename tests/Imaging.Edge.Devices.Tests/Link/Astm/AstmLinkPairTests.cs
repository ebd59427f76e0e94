using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Astm;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.Link.Astm;

/// <summary>Sender and receiver run against each other over an in-memory wire, on a fake clock.</summary>
public sealed class AstmLinkPairTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingHandler _device = new();
    private readonly RecordingHandler _gateway = new();
    private readonly AstmSender _sender;
    private readonly AstmReceiver _receiver;
    private readonly InMemoryWire _wire;

    public AstmLinkPairTests() : this(new AstmLinkOptions()) { }

    private AstmLinkPairTests(AstmLinkOptions options)
    {
        _sender = new AstmSender(options, _device, _time, AstmRole.Instrument);
        _receiver = new AstmReceiver(options, _gateway, _time);
        _wire = new InMemoryWire(_device, bytes => _sender.Receive(bytes), _gateway, bytes => _receiver.Receive(bytes));
    }

    public void Dispose()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    private static byte[] Text(int length) =>
        [.. Enumerable.Range(0, length).Select(i => i % 50 == 49 ? (byte)'\r' : (byte)('A' + i % 26))];

    [Fact]
    public void Message_arrives_whole_and_the_sender_finishes_only_after_the_deferred_ack()
    {
        var text = Bytes.Latin1("H|\\^&|||Analyser\rP|1||PID-1\rR|1|^^^GLU|5.4|mmol/L\rL|1|N\r");
        var id = _sender.Send(text);
        _wire.Pump();

        var message = Assert.Single(_gateway.Messages);
        Assert.Equal(text, message.Text);
        Assert.Empty(_device.Sent); // still waiting for the ACK of its last frame

        _receiver.Acknowledge(message.Number, durable: true);
        _wire.Pump();
        Assert.Equal([id], _device.Sent);
        Assert.Equal(AstmControl.Eot, _device.Written[^1]);
        Assert.False(_receiver.IsBusy);
        Assert.Empty(_gateway.Problems);
        Assert.Empty(_device.Problems);
    }

    [Theory]
    [InlineData(AstmLinkOptions.LegacyMaxFrameSize, 1000, 5)]  // 240 characters of text a frame
    [InlineData(AstmLinkOptions.LegacyMaxFrameSize, 240, 1)]
    [InlineData(AstmLinkOptions.LegacyMaxFrameSize, 241, 2)]
    [InlineData(AstmLinkOptions.CurrentMaxFrameSize, 200_000, 4)]
    public void Sender_splits_at_the_maximum_frame_size_and_the_receiver_joins(int maxFrame, int length, int frames)
    {
        using var pair = new AstmLinkPairTests(new AstmLinkOptions { MaxFrameSize = maxFrame });
        pair._gateway.OnMessage = m => pair._receiver.Acknowledge(m.Number, durable: true);
        var text = Text(length);

        pair._sender.Send(text);
        pair._wire.Pump();

        Assert.Equal(text, Assert.Single(pair._gateway.Messages).Text);
        Assert.Equal(frames, pair._device.Written.Count(b => b == AstmControl.Stx));
        Assert.Single(pair._device.Sent);
    }

    [Fact]
    public void Corrupted_frame_is_refused_and_the_retransmission_accepted()
    {
        _gateway.OnMessage = m => _receiver.Acknowledge(m.Number, durable: true);
        var corrupted = 0;
        _wire.AToB = bytes =>
        {
            if (bytes[0] != AstmControl.Stx || corrupted++ >= 2)
                return bytes;
            var copy = (byte[])bytes.Clone();
            copy[3] ^= 0x01; // a bit flipped on the line
            return copy;
        };
        var text = Text(600);

        _sender.Send(text);
        _wire.Pump();

        Assert.Equal(text, Assert.Single(_gateway.Messages).Text);
        Assert.Equal([LinkProblemKind.BadChecksum, LinkProblemKind.BadChecksum], _gateway.ProblemKinds);
        Assert.Single(_device.Sent);
    }

    [Fact]
    public void Lost_ack_leads_to_a_retransmission_that_is_not_appended_twice()
    {
        _gateway.OnMessage = m => _receiver.Acknowledge(m.Number, durable: true);
        var sender = _sender;
        var acksLost = 0;
        var wire = new InMemoryWire(_device, bytes =>
        {
            // The first ACK of a frame is garbled into a character that is neither ACK nor EOT: the sender resends.
            if (bytes is [AstmControl.Ack] && _device.Written.Count(b => b == AstmControl.Stx) == 1 && acksLost++ == 0)
                bytes = [(byte)'?'];
            sender.Receive(bytes);
        }, _gateway, bytes => _receiver.Receive(bytes));
        var text = Text(500);

        _sender.Send(text);
        wire.Pump();

        Assert.Equal(text, Assert.Single(_gateway.Messages).Text);
        Assert.Equal(1, acksLost);
    }

    [Fact]
    public void Sender_gives_up_after_six_attempts_and_the_receiver_discards()
    {
        _wire.AToB = bytes => bytes[0] == AstmControl.Stx ? [.. bytes[..^4], (byte)'0', (byte)'0', 0x0D, 0x0A] : bytes;

        _sender.Send(Text(100));
        _wire.Pump();

        Assert.Equal(6, _device.Written.Count(b => b == AstmControl.Stx));
        Assert.Equal(6, _gateway.ProblemKinds.Count(k => k == LinkProblemKind.BadChecksum));
        Assert.Equal([LinkProblemKind.TooManyAttempts], _device.ProblemKinds);
        Assert.Empty(_device.Sent);
        Assert.Empty(_gateway.Messages);
        Assert.False(_receiver.IsBusy); // the sender's EOT ended the transfer
    }

    [Fact]
    public void Sender_times_out_after_15_seconds_without_a_reply()
    {
        _wire.AToB = bytes => bytes[0] == AstmControl.Stx ? null : bytes; // frames lost

        _sender.Send(Text(10));
        _wire.Pump();
        _time.Advance(TimeSpan.FromSeconds(14.9));
        Assert.Empty(_device.Problems);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        _wire.Pump();

        Assert.Equal([LinkProblemKind.SenderTimeout], _device.ProblemKinds);
        Assert.Equal(AstmControl.Eot, _device.Written[^1]);
        Assert.False(_receiver.IsBusy);
    }

    [Fact]
    public void Busy_receiver_makes_the_sender_wait_10_seconds_and_retry()
    {
        var busy = true;
        using var receiver = new AstmReceiver(new AstmLinkOptions(), _gateway, _time, () => busy);
        var wire = new InMemoryWire(_device, bytes => _sender.Receive(bytes), _gateway, bytes => receiver.Receive(bytes));
        _gateway.OnMessage = m => receiver.Acknowledge(m.Number, durable: true);

        _sender.Send(Text(10));
        wire.Pump();
        Assert.Equal([LinkProblemKind.RefusedBusy], _gateway.ProblemKinds);
        busy = false;
        _time.Advance(TimeSpan.FromSeconds(10));
        wire.Pump();

        Assert.Single(_gateway.Messages);
        Assert.Single(_device.Sent);
    }

    [Fact]
    public void Store_failure_makes_the_sender_retransmit_the_last_frame_until_stored()
    {
        var failures = 0;
        _gateway.OnMessage = m => _receiver.Acknowledge(m.Number, durable: failures++ >= 2);
        var text = Text(1000);

        _sender.Send(text);
        _wire.Pump();

        Assert.Equal(3, _gateway.Messages.Count);
        Assert.All(_gateway.Messages, m => Assert.Equal(text, m.Text));
        Assert.Single(_device.Sent);
        Assert.Equal(2, _gateway.ProblemKinds.Count(k => k == LinkProblemKind.StoreFailed));
    }

    [Fact]
    public void Storage_slower_than_the_sender_timeout_ends_with_eot_and_no_acknowledgement()
    {
        _sender.Send(Text(10));
        _wire.Pump();
        var message = Assert.Single(_gateway.Messages);

        _time.Advance(TimeSpan.FromSeconds(15));
        _wire.Pump();

        Assert.Equal([LinkProblemKind.SenderTimeout], _device.ProblemKinds);
        Assert.False(_receiver.Acknowledge(message.Number, durable: true));
        Assert.False(_receiver.IsBusy);
    }

    [Fact]
    public void Eot_in_reply_to_a_frame_is_the_receivers_interrupt_request_and_counts_as_an_ack()
    {
        using var sender = new AstmSender(new AstmLinkOptions { MaxFrameSize = 20 }, _device, _time, AstmRole.Instrument);
        var id = sender.Send(Text(26)); // two frames of 13 characters

        sender.Receive([AstmControl.Ack]);
        sender.Receive([AstmControl.Eot]);
        sender.Receive([AstmControl.Ack]);

        Assert.Equal(3, _device.Written.Count(b => b is AstmControl.Stx or AstmControl.Enq));
        Assert.Equal(AstmControl.Eot, _device.Written[^1]);
        Assert.Equal([id], _device.Sent);
    }

    [Fact]
    public void Capture_fed_one_byte_at_a_time_reads_as_fed_whole()
    {
        var text = Text(3000);
        _sender.Send(text);
        _gateway.OnMessage = m => _receiver.Acknowledge(m.Number, durable: true);
        _wire.AToB = bytes =>
        {
            foreach (var b in bytes)
                _receiver.Receive([b]);
            return null;
        };

        _wire.Pump();

        Assert.Equal(text, Assert.Single(_gateway.Messages).Text);
        Assert.Single(_device.Sent);
    }
}
