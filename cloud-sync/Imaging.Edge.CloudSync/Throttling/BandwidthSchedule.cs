using System.Globalization;

namespace Imaging.Edge.CloudSync.Throttling;

/// <summary>One window of the day with a rate, for example 08:00–18:00 at 20 Mbit/s. A window may pass midnight (22:00–06:00).</summary>
public sealed record BandwidthWindow(TimeOnly From, TimeOnly To, double MegabitsPerSecond)
{
    public bool Contains(TimeOnly time) => From <= To ? time >= From && time < To : time >= From || time < To;
}

/// <summary>
/// Upload rate by time of day (local time of the box). Outside every window uploads are unlimited; where windows
/// overlap, the lowest rate wins.
/// </summary>
public sealed class BandwidthSchedule(IReadOnlyList<BandwidthWindow> windows)
{
    public static readonly BandwidthSchedule Unlimited = new([]);

    public IReadOnlyList<BandwidthWindow> Windows { get; } = windows;

    /// <summary>Bytes per second allowed at this time of day, or null for unlimited.</summary>
    public double? BytesPerSecondAt(TimeOnly time)
    {
        double? rate = null;
        foreach (var window in Windows)
        {
            if (!window.Contains(time)) continue;
            var bytes = window.MegabitsPerSecond * 1_000_000 / 8;
            rate = rate is null ? bytes : Math.Min(rate.Value, bytes);
        }
        return rate;
    }

    /// <summary>Parses "HH:mm". Throws <see cref="FormatException"/>.</summary>
    public static TimeOnly ParseTime(string text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new FormatException($"'{text}' is not a time of day HH:mm");
}
