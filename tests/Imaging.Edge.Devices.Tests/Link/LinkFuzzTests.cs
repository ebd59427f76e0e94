using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Checks;
using Imaging.Edge.Devices.Link.EscapedBinary;
using Imaging.Edge.Devices.Link.Line;
using Imaging.Edge.Devices.Link.StxEtx;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Tests.BadInput;
using Microsoft.Extensions.Time.Testing;
using static Imaging.Edge.Devices.Tests.Link.Frames;

namespace Imaging.Edge.Devices.Tests.Link;

/// <summary>
/// Randomised, bounded in time: valid streams of each link (several option sets) mutated (fixed seed, so a failure
/// reproduces), or plain random bytes, fed in random chunks with random clock steps and random acknowledgements.
/// Nothing may throw, the buffers stay within the options' bounds, and enough messages get through for the test to
/// exercise more than the refusals.
/// </summary>
public sealed class LinkFuzzTests
{
    private const int Iterations = 3_000;

    private static readonly StxEtxOptions[] StxEtxVariants =
    [
        new() { Start = [Soh, Stx], End = [Cr], EndOfMessage = Eot, MaxFrameSize = 80, MaxMessageSize = 300 },
        new()
        {
            Start = [Stx], End = [Etx], Check = new FrameCheck(Checksum.Of(ChecksumKind.Sum8), ChecksumEncoding.Hex, ByteOrder.BigEndian),
            CheckCoversEnd = true, Ack = Frames.Ack, Nak = Frames.Nak, MaxFrameSize = 80, MaxMessageSize = 80,
        },
        new()
        {
            Start = [Stx], End = [Etx], EndOfMessage = Eot, Ack = Frames.Ack, Nak = Frames.Nak, MaxFrameSize = 80, MaxMessageSize = 200,
            Check = new FrameCheck(Checksum.Of(ChecksumKind.Crc16Kermit), ChecksumEncoding.Binary, ByteOrder.LittleEndian), CheckCoversStart = true,
        },
        new()
        {
            Start = [Stx], End = [Cr], Check = new FrameCheck(Checksum.Of(ChecksumKind.Crc16CcittFalse), ChecksumEncoding.Hex, ByteOrder.BigEndian),
            CheckPosition = ChecksumPosition.BeforeEnd, MaxFrameSize = 80, MaxMessageSize = 80,
        },
    ];

    private static readonly EscapedBinaryOptions[] EscapedVariants =
    [
        new()
        {
            StartFlag = 0x7E, EndFlag = 0x7E, Escape = 0x7D, Xor = 0x20, Ack = Frames.Ack, Nak = Frames.Nak, MaxFrameSize = 80,
            Check = new FrameCheck(Checksum.Of(ChecksumKind.Crc16X25), ChecksumEncoding.Binary, ByteOrder.LittleEndian),
        },
        new()
        {
            StartFlag = 0xC0, EndFlag = 0xC1, Escape = 0xDB, Xor = 0x20, MaxFrameSize = 80,
            Length = new LengthFieldSettings { Offset = 1, Width = 2, Counts = LengthCounts.AfterField },
            Check = new FrameCheck(Checksum.Of(ChecksumKind.Crc16Xmodem), ChecksumEncoding.Binary, ByteOrder.BigEndian),
        },
    ];

    private static readonly LineOptions[] LineVariants =
    [
        new() { Delimiter = [Cr, Lf], MaxLineLength = 40, MaxMessageSize = 40 },
        new() { Delimiter = [Lf], Grouping = LineGrouping.BlankLine, IdleEnd = TimeSpan.FromSeconds(2), MaxLineLength = 40, MaxMessageSize = 120 },
        new() { Delimiter = [Cr], Grouping = LineGrouping.TerminatorLine, TerminatorLine = Latin1("END"), MaxLineLength = 40, MaxMessageSize = 120 },
    ];

    [Fact]
    public void Stx_etx_never_throws_and_stays_bounded()
    {
        var random = new Random(71);
        var messages = Run(random, StxEtxVariants, (o, h, t) => new StxEtxLink(o, h, t), o => (o.MaxFrameSize, o.MaxMessageSize), o =>
        {
            var stream = new List<byte>();
            for (var m = 1 + random.Next(3); m > 0; m--)
            {
                for (var f = 1 + random.Next(3); f > 0; f--)
                    stream.AddRange(Framed(o, RandomText(random, 30)));
                if (o.EndOfMessage is { } eom)
                    stream.Add(eom);
            }
            return [.. stream];
        }, [Soh, Stx, Etx, Eot, Cr, Lf, (byte)'0', (byte)'A', 0x80, 0xFF]);

        Assert.True(messages > Iterations / 4, $"only {messages} messages got through");
    }

    [Fact]
    public void Escaped_binary_never_throws_and_stays_bounded()
    {
        var random = new Random(72);
        var messages = Run(random, EscapedVariants, (o, h, t) => new EscapedBinaryLink(o, h, t), o => (o.MaxFrameSize, 0), o =>
        {
            var stream = new List<byte>();
            for (var f = 1 + random.Next(4); f > 0; f--)
            {
                var payload = new byte[1 + random.Next(40)];
                random.NextBytes(payload);
                stream.AddRange(Escaped(o, payload));
            }
            return [.. stream];
        }, [0x7E, 0x7D, 0x5E, 0x5D, 0xC0, 0xC1, 0xDB, 0x00, 0xFF]);

        Assert.True(messages > Iterations / 4, $"only {messages} messages got through");
    }

    [Fact]
    public void Line_never_throws_and_stays_bounded()
    {
        var random = new Random(73);
        var messages = Run(random, LineVariants, (o, h, t) => new LineLink(o, h, t), o => (o.MaxLineLength + o.Delimiter.Length - 1, o.MaxMessageSize), o =>
        {
            var delimiter = Latin1String(o.Delimiter);
            var lines = Enumerable.Range(0, 1 + random.Next(6)).Select(_ => RandomText(random, 30)).ToList();
            if (o.Grouping == LineGrouping.BlankLine)
                lines.Add("");
            if (o.Grouping == LineGrouping.TerminatorLine)
                lines.Add("END");
            return Lines(delimiter, [.. lines]);
        }, [Cr, Lf, (byte)'E', (byte)'N', (byte)'D', 0x00, 0xFF]);

        Assert.True(messages > Iterations / 4, $"only {messages} messages got through");
    }

    /// <returns>How many messages the links reported.</returns>
    private static int Run<TOptions>(Random random, TOptions[] variants, Func<TOptions, IDeviceLinkHandler, TimeProvider, IDeviceLink> create,
        Func<TOptions, (int Frame, int Message)> bounds, Func<TOptions, byte[]> valid, byte[] interesting)
    {
        var time = new FakeTimeProvider();
        var messages = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var options = variants[random.Next(variants.Length)];
            var input = random.Next(10) switch
            {
                0 => RandomBytes(random),
                < 4 => valid(options),
                _ => MutationTests.Mutate(valid(options), random, interesting),
            };
            var handler = new LinkRecorder();
            using var link = create(options, handler, time);
            handler.OnMessage = m =>
            {
                if (random.Next(3) > 0)
                    link.Acknowledge(m.Number, durable: random.Next(4) > 0);
            };
            var (maxFrame, maxMessage) = bounds(options);
            var offset = 0;
            while (offset < input.Length)
            {
                var length = Math.Min(input.Length - offset, 1 + random.Next(64));
                link.Receive(input.AsSpan(offset, length));
                offset += length;
                if (random.Next(10) == 0)
                    time.Advance(TimeSpan.FromSeconds(random.Next(40)));
                if (random.Next(20) == 0)
                    link.Acknowledge(random.Next(5), durable: random.Next(2) == 0);
                var (frame, message) = link.BufferedBytes;
                Assert.InRange(frame, 0, maxFrame);
                Assert.InRange(message, 0, maxMessage);
            }
            Assert.All(handler.Messages, m => Assert.InRange(m.Text.Length, 1, Math.Max(maxFrame, maxMessage)));
            messages += handler.Messages.Count;
        }
        return messages;
    }

    private static string RandomText(Random random, int maxLength)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-.|^";
        return new string([.. Enumerable.Range(0, 1 + random.Next(maxLength)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(2_000)];
        random.NextBytes(bytes);
        return bytes;
    }
}
