using System.Buffers.Binary;

namespace Imaging.Edge.Fuzz;

/// <summary>
/// The mutations of the built-in runner, after AFL's havoc stage: bit flips, interesting values (0, 1, 0x7F, 0xFF,
/// 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF) written over length fields in both byte orders, byte runs inserted, deleted and
/// duplicated, and splices of two corpus entries. No coverage feedback: it finds what is a few mutations away from
/// a seed, which is why the corpus holds valid messages of every kind.
/// </summary>
internal sealed class Mutator(Random random, int maxLength)
{
    private static readonly uint[] Interesting = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE];

    public byte[] Mutate(byte[] seed, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(seed);
        int rounds = 1 << random.Next(1, 5);
        for (int i = 0; i < rounds; i++)
            MutateOnce(data, corpus);
        if (data.Count > maxLength) data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        if (data.Count == 0)
        {
            data.Add((byte)random.Next(256));
            return;
        }
        int at = random.Next(data.Count);
        switch (random.Next(9))
        {
            case 0:
                data[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                data[at] = (byte)random.Next(256);
                break;
            case 2:
            case 3:
                WriteInteresting(data, at);
                break;
            case 4:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(16)));
                break;
            case 5:
                data.InsertRange(at, Enumerable.Repeat((byte)random.Next(256), 1 + random.Next(32)));
                break;
            case 6:
                int from = random.Next(data.Count), length = Math.Min(data.Count - from, 1 + random.Next(64));
                data.InsertRange(at, data.GetRange(from, length));
                break;
            case 7:
                var other = corpus[random.Next(corpus.Count)];
                if (other.Length > 0)
                {
                    int start = random.Next(other.Length);
                    data.RemoveRange(at, data.Count - at);
                    data.AddRange(other.AsSpan(start, Math.Min(other.Length - start, 4096)).ToArray());
                }
                break;
            default:
                data[at] = (byte)(data[at] + random.Next(-35, 36));
                break;
        }
    }

    private void WriteInteresting(List<byte> data, int at)
    {
        uint value = Interesting[random.Next(Interesting.Length)];
        int width = random.Next(3) switch { 0 => 1, 1 => 2, _ => 4 };
        Span<byte> bytes = stackalloc byte[4];
        if (random.Next(2) == 0) BinaryPrimitives.WriteUInt32BigEndian(bytes, value << (8 * (4 - width)));
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        for (int i = 0; i < width && at + i < data.Count; i++)
            data[at + i] = bytes[i];
    }
}
