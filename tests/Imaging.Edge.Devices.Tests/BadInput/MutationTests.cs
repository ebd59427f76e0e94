using System.Text;
using Imaging.Edge.Devices.Link.Astm;
using Imaging.Edge.Devices.Parsing.Astm;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Tests.Link.Astm;
using Imaging.Edge.Devices.Tests.Profiles;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.BadInput;

/// <summary>
/// Randomised, mutation-based: the shipped captures mutated 20,000 times (fixed seed, so a failure reproduces) and fed
/// to the receiver in random chunks with random clock steps and random store outcomes, and to the parser directly.
/// Nothing may throw, and the receiver's buffers stay within the profile's bounds.
/// </summary>
public sealed class MutationTests
{
    private const int Iterations = 20_000;
    private static readonly byte[] Interesting =
        [AstmControl.Stx, AstmControl.Etx, AstmControl.Etb, AstmControl.Eot, AstmControl.Enq, AstmControl.Cr, AstmControl.Lf, (byte)'|', (byte)'\\', (byte)'^', (byte)'&', (byte)'0', (byte)'7', 0x80, 0xFF];

    [Fact]
    public void Mutated_captures_never_throw_and_buffers_stay_bounded()
    {
        var random = new Random(12);
        var seeds = ProfileLoader.LoadDirectory(ShippedProfiles.Directory)
            .Where(load => load.Profile!.Link.Protocol == LinkProtocol.AstmE1381) // the other links: LinkFuzzTests
            .SelectMany(load => ShippedProfiles.CapturesOf(load.Name).Select(c => (load.Profile!, Bytes: File.ReadAllBytes(c))))
            .ToList();
        Assert.NotEmpty(seeds);
        var time = new FakeTimeProvider();
        var messages = 0;

        for (var i = 0; i < Iterations; i++)
        {
            var (profile, seed) = seeds[random.Next(seeds.Count)];
            var options = profile.Link.ToAstmOptions() with { MaxMessageSize = 4096 };
            var input = Mutate(seed, random);
            var handler = new RecordingHandler();
            using var receiver = new AstmReceiver(options, handler, time, () => random.Next(20) == 0);
            handler.OnMessage = m =>
            {
                if (random.Next(3) > 0)
                    receiver.Acknowledge(m.Number, durable: random.Next(4) > 0);
            };
            var reader = new AstmResultReader(profile.Mapping, profile.Filter, profile.Port.TextEncodingOf());

            var offset = 0;
            while (offset < input.Length)
            {
                var length = Math.Min(input.Length - offset, 1 + random.Next(64));
                receiver.Receive(input.AsSpan(offset, length));
                offset += length;
                if (random.Next(10) == 0)
                    time.Advance(TimeSpan.FromSeconds(random.Next(40)));
                var (frame, message) = receiver.BufferedBytes;
                Assert.InRange(frame, 0, options.MaxFrameSize);
                Assert.InRange(message, 0, options.MaxMessageSize);
            }
            foreach (var message in handler.Messages)
            {
                reader.Read(message.Text);
                messages++;
            }
            reader.Read(input); // the parser alone, on bytes no link checked
            handler.Written.Clear();
        }

        Assert.True(messages > Iterations / 10, $"only {messages} messages got through the link: the mutations are too destructive to test the parser");
    }

    [Fact]
    public void Random_record_text_never_throws_the_parser()
    {
        var random = new Random(34);
        const string alphabet = "HPORCMQLSX|\\^&!~#F\r\n 0123456789.-";
        for (var i = 0; i < Iterations; i++)
        {
            var text = new StringBuilder();
            text.Append(random.Next(2) == 0 ? "H|\\^&" : "");
            var length = random.Next(200);
            for (var j = 0; j < length; j++)
                text.Append(alphabet[random.Next(alphabet.Length)]);
            var reader = new AstmResultReader(FieldMapping.AstmDefault with { PatientId = $"P.{1 + random.Next(5)}.{1 + random.Next(3)}" }, null, Encoding.Latin1);

            reader.Read(Encoding.Latin1.GetBytes(text.ToString()));
        }
    }

    [Fact]
    public void Mutated_profiles_never_throw_the_loader()
    {
        var random = new Random(56);
        var seed = File.ReadAllText(Path.Combine(ShippedProfiles.Directory, "example-bloodgas-bg900.json"));
        const string alphabet = "{}[]\":,0123456789-.truefalsnl ";
        var accepted = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var text = new StringBuilder(seed);
            for (var m = 1 + random.Next(3); m > 0; m--)
            {
                var at = random.Next(text.Length);
                if (random.Next(2) == 0)
                    text.Remove(at, 1);
                else
                    text.Insert(at, alphabet[random.Next(alphabet.Length)]);
            }
            var load = ProfileLoader.Load("fuzz", text.ToString());

            Assert.True(load.Profile is null == load.Errors.Count > 0);
            if (load.Profile is not null)
                accepted++;
        }
        Assert.InRange(accepted, 1, 4_999); // some mutations land in harmless places (a value's text), most break it
    }

    /// <summary>Up to four mutations of <paramref name="seed"/>; also used by the other links' fuzz tests with their own bytes.</summary>
    internal static byte[] Mutate(byte[] seed, Random random, byte[]? interesting = null)
    {
        interesting ??= Interesting;
        var bytes = new List<byte>(seed);
        for (var m = 1 + random.Next(4); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes.Insert(at, interesting[random.Next(interesting.Length)]); break;
                case 2: bytes.RemoveAt(at); break;
                case 3: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, random.Next(300)))); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                case 5: bytes[at] = (byte)random.Next(256); break;
                default: bytes.InsertRange(at, Enumerable.Repeat((byte)'X', random.Next(70_000))); break; // a runaway frame
            }
        }
        return [.. bytes];
    }
}
