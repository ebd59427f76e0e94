using System.Text;
using Imaging.Edge.Devices.Link.Astm;

namespace Imaging.Edge.Devices.Tests.Link.Astm;

internal static class Bytes
{
    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    public static string Latin1String(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>A frame as a device sends it, checksum computed here independently of the code under test.</summary>
    public static byte[] Frame(int number, string text, bool last)
    {
        var body = new List<byte> { (byte)('0' + number) };
        body.AddRange(Latin1(text));
        body.Add(last ? AstmControl.Etx : AstmControl.Etb);
        var sum = body.Sum(b => (int)b) % 256;
        var frame = new List<byte> { AstmControl.Stx };
        frame.AddRange(body);
        frame.AddRange(Encoding.ASCII.GetBytes(sum.ToString("X2")));
        frame.Add(AstmControl.Cr);
        frame.Add(AstmControl.Lf);
        return [.. frame];
    }
}
