using System.Globalization;

namespace Imaging.Edge.Gateway.Hosting.Systemd;

/// <summary>
/// What systemd told this process through its environment (systemd.exec(5), sd_notify(3), sd_watchdog_enabled(3)),
/// read once at start-up, and the two test-only switches. The one place these variables are read.
/// </summary>
/// <param name="NotifySocket">
/// <c>NOTIFY_SOCKET</c> (<c>Type=notify</c>): a path, or <c>@name</c> in the abstract namespace; null when not set.
/// </param>
/// <param name="WatchdogInterval">
/// <c>WATCHDOG_USEC</c> (<c>WatchdogSec=</c>) when it is meant for us (<c>WATCHDOG_PID</c> absent or ours); null: no watchdog.
/// </param>
/// <param name="JournalSocket">
/// journald's native socket when our output goes to the journal (<c>JOURNAL_STREAM</c> names our standard output or
/// error); null: write to the console as always.
/// </param>
/// <param name="TestWedge">
/// TEST ONLY: the name of a watchdog component to wedge on purpose once the service is ready
/// (<c>IMAGING_EDGE_TEST_WEDGE</c>; the unit never sets it). See <see cref="Watchdog.Heartbeats"/>.
/// </param>
internal sealed record SystemdEnvironment(string? NotifySocket, TimeSpan? WatchdogInterval, string? JournalSocket, string? TestWedge)
{
    public const string JournalSocketPath = "/run/systemd/journal/socket";

    /// <summary>TEST ONLY: another path for journald's native socket, so that a test can read what would reach the journal.</summary>
    public const string TestJournalSocketVariable = "IMAGING_EDGE_TEST_JOURNAL_SOCKET";

    /// <summary>TEST ONLY: see <see cref="TestWedge"/>.</summary>
    public const string TestWedgeVariable = "IMAGING_EDGE_TEST_WEDGE";

    public static SystemdEnvironment Read() => new(
        NonEmpty("NOTIFY_SOCKET"),
        Watchdog(NonEmpty("WATCHDOG_USEC"), NonEmpty("WATCHDOG_PID")),
        OutputGoesToJournal(NonEmpty("JOURNAL_STREAM")) ? NonEmpty(TestJournalSocketVariable) ?? JournalSocketPath : null,
        NonEmpty(TestWedgeVariable));

    private static string? NonEmpty(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>As sd_watchdog_enabled(3): a positive interval, for us when <c>WATCHDOG_PID</c> is absent or our pid.</summary>
    private static TimeSpan? Watchdog(string? usec, string? pid)
    {
        if (usec is null || !ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micro) || micro == 0) return null;
        if (pid is not null && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)) return null;
        return TimeSpan.FromMicroseconds(micro);
    }

    /// <summary>
    /// <c>JOURNAL_STREAM</c> is <c>device:inode</c> of the stream systemd connected; it only counts when it is still
    /// our standard output or error (a child of a shell started by a unit inherits the variable, not the stream).
    /// The stream is a socket (or a pipe, when something stands between): /proc names it <c>socket:[inode]</c>, and an
    /// inode of the socket file system is unique on the machine, so the inode alone identifies it.
    /// </summary>
    private static bool OutputGoesToJournal(string? journalStream)
    {
        if (journalStream?.Split(':') is not [_, var inode]) return false;
        foreach (var fd in new[] { 1, 2 })
        {
            try
            {
                var target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
                if (target is not null && (target.StartsWith("socket:[", StringComparison.Ordinal) || target.StartsWith("pipe:[", StringComparison.Ordinal))
                    && target.EndsWith(":[" + inode + "]", StringComparison.Ordinal))
                    return true;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return false;
    }
}
