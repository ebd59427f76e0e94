using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The device message parsers (<see cref="MessageParsers.Create"/>: ASTM E1394 records, fixed width, regex, binary)
/// over a message payload, as a link hands it over. Input: a profile selector byte, then the payload. The contract
/// (<see cref="IMessageParser"/>): pure, never throws.
/// </summary>
internal sealed class DeviceParserTarget : FuzzTarget
{
    public override string Name => "deviceparser";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        _ = MessageParsers.Create(DeviceProfiles.Pick(input[0])).Read(input[1..]);
    }

    public override IEnumerable<byte[]> Seeds() => DeviceCaptures.Seeds(withChunk: false);
}
