using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Astm;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.Link.Astm;

/// <summary>Both ends of a line, each with a sender and a receiver (<see cref="AstmLink"/>).</summary>
public sealed class AstmContentionTests
{
    [Fact]
    public void When_both_send_enq_the_instrument_wins_and_the_computer_sends_after_20_seconds()
    {
        var time = new FakeTimeProvider();
        var options = new AstmLinkOptions();
        var instrumentEvents = new RecordingHandler();
        var computerEvents = new RecordingHandler();
        using var instrument = new AstmLink(options, instrumentEvents, time, AstmRole.Instrument);
        using var computer = new AstmLink(options, computerEvents, time, AstmRole.Computer);
        instrumentEvents.OnMessage = m => instrument.Receiver.Acknowledge(m.Number, durable: true);
        computerEvents.OnMessage = m => computer.Receiver.Acknowledge(m.Number, durable: true);
        var wire = new InMemoryWire(instrumentEvents, bytes => instrument.Receive(bytes), computerEvents, bytes => computer.Receive(bytes));
        var result = Bytes.Latin1("H|\\^&\rR|1|^^^GLU|5.4\rL|1\r");
        var order = Bytes.Latin1("H|\\^&\rO|1|S1\rL|1\r");

        instrument.Sender.Send(result); // both ENQs are on the line before either is read
        computer.Sender.Send(order);
        wire.Pump();

        Assert.Equal([LinkProblemKind.Contention], computerEvents.ProblemKinds);
        Assert.Empty(computerEvents.Messages);
        time.Advance(TimeSpan.FromSeconds(1)); // the instrument repeats its ENQ after 1 s
        wire.Pump();
        Assert.Equal(result, Assert.Single(computerEvents.Messages).Text);
        Assert.Single(instrumentEvents.Sent);
        Assert.Empty(instrumentEvents.Messages);

        time.Advance(TimeSpan.FromSeconds(19)); // the computer waits 20 s in all before it tries again
        wire.Pump();
        Assert.Equal(order, Assert.Single(instrumentEvents.Messages).Text);
        Assert.Single(computerEvents.Sent);
    }

    [Fact]
    public void Computer_does_not_start_sending_while_the_instrument_holds_the_line()
    {
        var time = new FakeTimeProvider();
        var events = new RecordingHandler();
        using var computer = new AstmLink(new AstmLinkOptions(), events, time, AstmRole.Computer);

        computer.Receive([AstmControl.Enq]);
        events.Take();
        computer.Sender.Send(Bytes.Latin1("H|\\^&\rL|1\r"));
        Assert.Empty(events.Take()); // no ENQ while the peer is transferring

        computer.Receive([AstmControl.Eot]);
        Assert.Equal([AstmControl.Enq], events.Take());
    }
}
