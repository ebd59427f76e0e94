using System.Globalization;
using Imaging.Edge.Gateway.Health;
using Imaging.Edge.Gateway.Privacy;

namespace Imaging.Edge.Gateway.Hosting.Systemd;

/// <summary>
/// The one line systemd shows as "Status:" (<c>systemctl status imaging-edge</c>): state (with the most urgent reason
/// when degraded), pending instances and the age of the oldest, instances received today. Counts and our own reason
/// texts only; printable (the notify protocol is line-based).
/// </summary>
internal static class StatusLine
{
    public static string Of(GatewayStatus status)
    {
        var state = status.Reasons.Count switch
        {
            0 => status.State,
            1 => $"{status.State}: {status.Reasons[0]}",
            var n => string.Create(CultureInfo.InvariantCulture, $"{status.State}: {status.Reasons[0]} (+{n - 1} more)"),
        };
        var oldest = status.Queue.OldestPendingAgeSeconds is { } age ? ", oldest " + Age(age) : "";
        return SafeText.Printable(string.Create(CultureInfo.InvariantCulture,
            $"{state}; {status.Queue.Pending} pending{oldest}; {status.Receive.InstancesToday} received today"));
    }

    /// <summary>40 s, 12 min, 5 h, 3 d: enough to tell a queue that moves from one that does not.</summary>
    public static string Age(long seconds) => seconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds} s"),
        < 120 * 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60} min"),
        < 48 * 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600} h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400} d"),
    };
}
