using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Replay;

/// <summary>
/// Runs bytes as a device sent them (a capture: for ASTM, ENQ, frames, EOT) through a profile's link state machine
/// and parser, offline: every message is taken as stored at once. The golden-file tests and <c>profiles replay</c>
/// use it. Does not throw for any input.
/// </summary>
internal static class CaptureReplay
{
    public static ReplayResult Run(HardwareProfile profile, ReadOnlySpan<byte> capture, TimeProvider time)
    {
        var parser = MessageParsers.Create(profile);
        var collector = new Collector();
        using var link = DeviceLinks.Create(profile.Link, collector, time);
        collector.Acknowledge = message => link.Acknowledge(message.Number, durable: true);
        link.Receive(capture);
        var outcomes = collector.Messages.Select(m => parser.Read(m.Text)).ToList();
        return new ReplayResult(
            new ParseOutcome([.. outcomes.SelectMany(o => o.Messages)], [.. outcomes.SelectMany(o => o.Problems)]),
            collector.Problems,
            link.BufferedBytes);
    }

    private sealed class Collector : IDeviceLinkHandler
    {
        public List<DeviceLinkMessage> Messages { get; } = [];
        public List<LinkProblem> Problems { get; } = [];
        public Action<DeviceLinkMessage>? Acknowledge { get; set; }

        public void Write(ReadOnlySpan<byte> bytes) { } // a capture is one direction: the device's replies were not recorded

        public void MessageReceived(DeviceLinkMessage message)
        {
            Messages.Add(message);
            if (message.AwaitsAcknowledgement)
                Acknowledge?.Invoke(message);
        }

        public void Problem(LinkProblem problem) => Problems.Add(problem);
    }
}

/// <summary>What a replay understood, what the link refused, and what was left buffered at the end.</summary>
internal sealed record ReplayResult(ParseOutcome Outcome, IReadOnlyList<LinkProblem> LinkProblems, (int Frame, int Message) LeftBuffered);
