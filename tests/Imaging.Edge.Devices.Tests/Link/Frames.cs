using System.Text;
using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.EscapedBinary;
using Imaging.Edge.Devices.Link.StxEtx;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Tests.Link;

/// <summary>
/// The sending side of the stx-etx, escaped-binary and line protocols, for tests (golden captures, the serial
/// end-to-end test): frames as a device sends them, from the same options a profile gives the receiver
/// (<c>StxEtxOptions.From(profile.Link)</c>). The check values come from the product's checksum code, which
/// <c>ChecksumTests</c> holds to the published check values.
/// </summary>
internal static class Frames
{
    public const byte Soh = 0x01, Stx = 0x02, Etx = 0x03, Eot = 0x04, Ack = 0x06, Lf = 0x0A, Cr = 0x0D, Nak = 0x15;

    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    public static string Latin1String(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>One stx-etx frame: start byte, text, end byte and the check where the options put it.</summary>
    public static byte[] Framed(StxEtxOptions options, string text, byte? start = null, byte? end = null)
    {
        var s = start ?? options.Start[0];
        var e = end ?? options.End[0];
        var body = Latin1(text);
        var frame = new List<byte> { s };
        frame.AddRange(body);
        if (options.Check is not { } check)
        {
            frame.Add(e);
            return [.. frame];
        }
        var checksum = check.Checksum;
        var state = checksum.Begin();
        if (options.CheckCoversStart)
            state = checksum.Add(state, [s]);
        state = checksum.Add(state, body);
        var after = options.CheckPosition == ChecksumPosition.AfterEnd;
        if (after && options.CheckCoversEnd)
            state = checksum.Add(state, [e]);
        var value = check.Encode(checksum.End(state));
        if (after)
        {
            frame.Add(e);
            frame.AddRange(value);
        }
        else
        {
            frame.AddRange(value);
            frame.Add(e);
        }
        return [.. frame];
    }

    /// <summary>The unescaped frame of an escaped-binary message: length field inserted, check appended.</summary>
    public static byte[] Unescaped(EscapedBinaryOptions options, byte[] payload)
    {
        var frame = new List<byte>(payload);
        var checkLength = options.Check?.Length ?? 0;
        if (options.Length is { } field)
        {
            var value = field.Counts switch
            {
                LengthCounts.Payload => payload.Length,
                LengthCounts.AfterField => payload.Length - field.Offset + checkLength,
                _ => payload.Length + field.Width + checkLength,
            };
            frame.InsertRange(field.Offset, ByteOrders.Write(value, field.Width, field.ByteOrder ?? ByteOrder.BigEndian));
        }
        if (options.Check is { } check)
            frame.AddRange(check.Encode(check.Checksum.Compute([.. frame])));
        return [.. frame];
    }

    /// <summary>An escaped-binary frame on the wire: start flag, the unescaped frame with flags and escape escaped, end flag.</summary>
    public static byte[] Escaped(EscapedBinaryOptions options, byte[] payload)
    {
        var wire = new List<byte> { options.StartFlag };
        foreach (var b in Unescaped(options, payload))
        {
            if (b == options.StartFlag || b == options.EndFlag || b == options.Escape)
            {
                wire.Add(options.Escape);
                wire.Add((byte)(b ^ options.Xor));
            }
            else
                wire.Add(b);
        }
        wire.Add(options.EndFlag);
        return [.. wire];
    }

    /// <summary>Lines as a line device sends them, each followed by the delimiter.</summary>
    public static byte[] Lines(string delimiter, params string[] lines) => Latin1(string.Concat(lines.Select(l => l + delimiter)));
}
