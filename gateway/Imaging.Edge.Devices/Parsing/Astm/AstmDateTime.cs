using System.Globalization;

namespace Imaging.Edge.Devices.Parsing.Astm;

/// <summary>E1394 §6.6.2 dates and times: YYYYMMDD[HHMM[SS]], the device's local clock without a zone.</summary>
internal static class AstmDateTime
{
    private static readonly string[] Formats = ["yyyyMMddHHmmss", "yyyyMMddHHmm", "yyyyMMdd"];

    /// <summary>The ISO 8601 form (<c>2026-12-01T10:30:00</c>), or null when it is not such a date.</summary>
    public static string? ToIso(string value) =>
        DateTime.TryParseExact(value, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            : null;
}
