using System.Globalization;
using System.Text;

namespace Imaging.Edge.Integration.Tests.Serial;

/// <summary>
/// A laboratory instrument on the far end of the cable, written for the tests from CLSI LIS01-A2 and independent of
/// the product's link code: ENQ, frames <c>STX FN text ETB|ETX C1 C2 CR LF</c> each waiting for ACK/NAK (a NAK sends
/// the same frame again, up to six times), EOT. Records every reply it read, so tests can assert on the link.
/// </summary>
public sealed class AstmInstrument(Stream line)
{
    public const byte Stx = 0x02, Etx = 0x03, Eot = 0x04, Enq = 0x05, Ack = 0x06, Nak = 0x15, Etb = 0x17;

    public List<byte> Replies { get; } = [];

    /// <summary>Sends one message (records joined by CR) in frames of at most <paramref name="textPerFrame"/> characters.</summary>
    /// <returns>True when every frame was acknowledged; false when the ENQ or a frame was refused for good.</returns>
    public async Task<bool> SendAsync(IReadOnlyList<string> records, int textPerFrame = 240, Func<int, byte[], byte[]>? corrupt = null, TimeSpan? replyTimeout = null)
    {
        var timeout = replyTimeout ?? TimeSpan.FromSeconds(30);
        await WriteAsync([Enq]);
        if (await ReadReplyAsync(timeout) != Ack)
            return false;
        var text = string.Concat(records.Select(r => r + "\r"));
        var frames = Enumerable.Range(0, (text.Length + textPerFrame - 1) / textPerFrame)
            .Select(i => text.Substring(i * textPerFrame, Math.Min(textPerFrame, text.Length - i * textPerFrame))).ToList();
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = Frame((i + 1) % 8, frames[i], last: i == frames.Count - 1);
            var accepted = false;
            for (var attempt = 0; attempt < 6 && !accepted; attempt++)
            {
                await WriteAsync(corrupt?.Invoke(attempt, frame) ?? frame);
                accepted = await ReadReplyAsync(timeout) == Ack;
            }
            if (!accepted)
            {
                await WriteAsync([Eot]);
                return false;
            }
        }
        await WriteAsync([Eot]);
        return true;
    }

    /// <summary>One frame; the checksum is the sum of FN through ETB/ETX, modulo 256, in two upper-case hex digits.</summary>
    public static byte[] Frame(int number, string text, bool last)
    {
        var body = Encoding.Latin1.GetBytes($"{number}{text}").Append(last ? Etx : Etb).ToArray();
        var sum = body.Aggregate(0, (total, b) => (total + b) & 0xFF);
        return [Stx, .. body, .. Encoding.ASCII.GetBytes(sum.ToString("X2", CultureInfo.InvariantCulture)), 0x0D, 0x0A];
    }

    public async Task WriteAsync(byte[] bytes)
    {
        await line.WriteAsync(bytes);
        await line.FlushAsync();
    }

    /// <summary>The next ACK, NAK or EOT from the gateway (anything else is kept in <see cref="Replies"/> and skipped).</summary>
    public async Task<byte?> ReadReplyAsync(TimeSpan timeout)
    {
        var buffer = new byte[1];
        var reading = Task.Run(() => line.Read(buffer, 0, 1));
        if (await Task.WhenAny(reading, Task.Delay(timeout)) != reading)
            return null;
        if (await reading == 0)
            return null;
        Replies.Add(buffer[0]);
        return buffer[0] is Ack or Nak or Eot ? buffer[0] : await ReadReplyAsync(timeout);
    }
}
