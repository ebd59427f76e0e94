using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Astm;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Parsing.Astm;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Replay;

/// <summary>
/// Runs bytes as a device sent them (a capture: ENQ, frames, EOT) through a profile's link state machine and parser,
/// offline: every message is taken as stored at once. The golden-file tests use it, and <c>profiles replay</c> will.
/// Does not throw for any input.
/// </summary>
internal static class CaptureReplay
{
    public static ReplayResult Run(HardwareProfile profile, ReadOnlySpan<byte> capture, TimeProvider time)
    {
        var reader = new AstmResultReader(profile.Mapping, profile.Filter, profile.Port.TextEncodingOf());
        var collector = new Collector();
        using var receiver = new AstmReceiver(profile.Link.ToAstmOptions(), collector, time);
        collector.Acknowledge = message => receiver.Acknowledge(message.Number, durable: true);
        receiver.Receive(capture);
        var outcomes = collector.Messages.Select(m => reader.Read(m.Text)).ToList();
        return new ReplayResult(
            new ParseOutcome([.. outcomes.SelectMany(o => o.Messages)], [.. outcomes.SelectMany(o => o.Problems)]),
            collector.Problems,
            receiver.BufferedBytes);
    }

    private sealed class Collector : IAstmLinkHandler
    {
        public List<AstmReceivedMessage> Messages { get; } = [];
        public List<LinkProblem> Problems { get; } = [];
        public Action<AstmReceivedMessage>? Acknowledge { get; set; }

        public void Write(ReadOnlySpan<byte> bytes) { } // a capture is one direction: the device's replies were not recorded

        public void MessageReceived(AstmReceivedMessage message)
        {
            Messages.Add(message);
            if (message.AwaitsAcknowledgement)
                Acknowledge?.Invoke(message);
        }

        public void MessageSent(long messageId) { }

        public void Problem(LinkProblem problem) => Problems.Add(problem);
    }
}

/// <summary>What a replay understood, what the link refused, and what was left buffered at the end.</summary>
internal sealed record ReplayResult(ParseOutcome Outcome, IReadOnlyList<LinkProblem> LinkProblems, (int Frame, int Message) LeftBuffered);
