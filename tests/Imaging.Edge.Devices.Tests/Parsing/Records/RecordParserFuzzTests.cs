using System.Text;
using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Devices.Tests.Parsing.Records;

/// <summary>
/// Random and mutated input through each record parser, with a fixed seed and a fixed number of rounds (bounded time):
/// the parser never throws, and no problem text quotes the input. Every sample carries a marker (<c>QZJ</c>, in
/// places where a device would put patient data); a problem that quoted content would quote it sooner or later.
/// </summary>
public sealed class RecordParserFuzzTests
{
    private const string Marker = "QZJ";
    private const int Rounds = 3000;

    public static TheoryData<string, string, string> Samples() => new()
    {
        { "fixed-width", RecordProfiles.Refractor, "NIDEK QZJQZJQ\rOR+ 1.25- 1.25150\rOL- 0.50- 0.75 90\rQZJ+ 1.00- 1.00100\r" },
        { "regex", RecordProfiles.Lensmeter, "ID:QZJ-77\r\nR S-1.25 C-0.50 A180 ADD+2.00\r\nL S+0.75 C-0.25 A5\r\nQZJ S+0.75\r\n" },
        { "binary", RecordProfiles.Monitor, "\u0001\u0000\u0048\u0062\u006F\u0001QZJ" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Random_and_mutated_input_never_throws_and_no_problem_quotes_it(string kind, string profile, string sample)
    {
        var parser = MessageParsers.Create(RecordProfiles.Load(profile));
        byte[] valid = Encoding.Latin1.GetBytes(sample);
        var random = new Random(20261201 + kind.Length);
        int problemsSeen = 0;

        for (int round = 0; round < Rounds; round++)
        {
            byte[] input = round % 4 == 0 ? RandomBytes(random, valid) : Mutate(random, valid);
            var outcome = parser.Read(input);

            var problems = outcome.Problems.Concat(outcome.Messages.SelectMany(m => m.Problems)).Select(p => p.ToString()).ToList();
            problemsSeen += problems.Count;
            Assert.All(problems, p => Assert.DoesNotContain(Marker, p, StringComparison.Ordinal));
            Assert.All(outcome.Messages, m => Assert.True(m.Problems.Count <= RecordMessageBuilderLimit + 1));
        }

        Assert.True(problemsSeen > Rounds / 4, $"{kind}: the fuzzing rarely reached the problem paths ({problemsSeen} problems)");
    }

    private const int RecordMessageBuilderLimit = Imaging.Edge.Devices.Parsing.Records.RecordMessageBuilder.MaxProblems;

    private static byte[] RandomBytes(Random random, byte[] valid)
    {
        var bytes = new byte[random.Next(0, 2 * valid.Length)];
        random.NextBytes(bytes);
        // sprinkle the separators and the marker so that records form and content is there to be quoted
        for (int i = 0; i + 3 < bytes.Length; i += random.Next(3, 20))
        {
            if (random.Next(3) == 0)
                bytes[i] = (byte)'\r';
            else
                Encoding.ASCII.GetBytes(Marker).CopyTo(bytes, i);
        }
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits; e++)
        {
            int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256); // flip a byte
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at); // cut short
                    break;
                case 4:
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(random.Next(2) == 0 ? " " : "\r")); // shift a field
                    break;
                default:
                    bytes.InsertRange(at, bytes.GetRange(0, Math.Min(bytes.Count, random.Next(1, 40)))); // repeat a piece
                    break;
            }
        }
        return [.. bytes];
    }
}
