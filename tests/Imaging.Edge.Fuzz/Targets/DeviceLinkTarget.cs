using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Parsing;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The serial link state machines (<see cref="DeviceLinks.Create"/>: ASTM E1381, STX/ETX, escaped binary, line) as
/// the serial listener drives them, with each complete message handed to the profile's parser
/// (<see cref="MessageParsers.Create"/>). Input: a profile selector byte, a chunk-size byte, then the bytes from
/// the device. After the bytes the clock jumps past every timeout and the bytes come again (the link must recover).
/// Messages are acknowledged durable and not durable in turn; every other transfer is refused where the protocol can.
/// The contract: nothing throws, and the bytes held stay within the profile's limits.
/// </summary>
internal sealed class DeviceLinkTarget : FuzzTarget
{
    public override string Name => "devicelink";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2) return;
        var profile = DeviceProfiles.Pick(input[0]);
        int chunk = input[1] == 0 ? int.MaxValue : input[1];
        var bytes = input[2..];
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var handler = new Handler(MessageParsers.Create(profile));
        int transfers = 0;
        using var link = DeviceLinks.Create(profile.Link, handler, time, () => ++transfers % 2 == 0);
        handler.Link = link;
        int frameLimit = LinkLimits.FrameSizeOf(profile.Link), messageLimit = LinkLimits.MessageSizeOf(profile.Link);
        for (int round = 0; round < 2; round++)
        {
            for (var rest = bytes; !rest.IsEmpty;)
            {
                int n = Math.Min(chunk, rest.Length);
                link.Receive(rest[..n]);
                rest = rest[n..];
                var (frame, message) = link.BufferedBytes;
                if (frame > frameLimit + 16 || message > messageLimit + frameLimit)
                    throw new InvalidOperationException($"link holds {frame} frame and {message} message bytes, limits {frameLimit}/{messageLimit}");
                time.Advance(TimeSpan.FromMilliseconds(10));
            }
            time.Advance(TimeSpan.FromMinutes(5));
        }
    }

    public override IEnumerable<byte[]> Seeds() => DeviceCaptures.Seeds(withChunk: true);

    private sealed class Handler(IMessageParser parser) : IDeviceLinkHandler
    {
        public IDeviceLink? Link { get; set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
        }

        public void MessageReceived(DeviceLinkMessage message)
        {
            _ = parser.Read(message.Text);
            if (message.AwaitsAcknowledgement)
                Link!.Acknowledge(message.Number, durable: message.Number % 2 == 1);
        }

        public void Problem(LinkProblem problem)
        {
        }
    }
}
