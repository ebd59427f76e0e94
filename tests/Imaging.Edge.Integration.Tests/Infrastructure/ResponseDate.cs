using System.Globalization;
using System.Text;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>Rewrites the <c>Date</c> headers of HTTP responses in flight (for <see cref="FaultProxy.ShiftResponseDate"/>).</summary>
internal static class ResponseDate
{
    private static readonly byte[] Name = "\r\nDate: "u8.ToArray();
    private const int ValueLength = 29; // RFC 1123: "Wed, 02 Dec 2026 00:51:44 GMT"

    /// <summary>
    /// Moves every complete <c>Date</c> header in <paramref name="bytes"/> by <paramref name="shift"/>, in place, and
    /// returns how many bytes may be sent: all but a tail that may be the start of a header the next read completes.
    /// </summary>
    public static int Shift(Span<byte> bytes, TimeSpan shift)
    {
        var whole = Name.Length + ValueLength;
        for (var at = bytes.IndexOf(Name); at >= 0 && at + whole <= bytes.Length;)
        {
            var value = bytes.Slice(at + Name.Length, ValueLength);
            if (DateTime.TryParseExact(Encoding.ASCII.GetString(value), "r", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
                Encoding.ASCII.GetBytes((date + shift).ToString("r", CultureInfo.InvariantCulture), value);
            var next = bytes[(at + whole)..].IndexOf(Name);
            at = next < 0 ? -1 : at + whole + next;
        }
        for (var start = Math.Max(0, bytes.Length - whole + 1); start < bytes.Length; start++)
        {
            var tail = bytes[start..];
            var compared = Math.Min(tail.Length, Name.Length);
            if (tail[..compared].SequenceEqual(Name.AsSpan(0, compared)))
                return start; // perhaps a header cut by the read: wait for the rest
        }
        return bytes.Length;
    }
}
