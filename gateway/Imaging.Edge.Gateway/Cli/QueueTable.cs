using System.Globalization;
using System.Text;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// Human-readable rendering of the queue for <c>imaging-edge queue</c>: instances grouped by study pseudonym in aligned
/// columns, the full record of one instance, the summary line. Shows UIDs and pseudonyms, never patient data (the queue
/// holds none). Every string from the wire (UIDs, AE titles, error texts) is shown with its control characters escaped,
/// so that a crafted UID cannot drive the terminal of the person reading it.
/// </summary>
internal static class QueueTable
{
    private const int MaxErrorWidth = 60;

    private static readonly string[] Header = ["ID", "STATE", "ATTEMPTS", "SIZE", "RECEIVED (UTC)", "PRIORITY", "SOURCE", "LAST ERROR", "SOP INSTANCE UID"];

    /// <summary>Instances grouped by study (in the order <see cref="QueueQueries.List"/> returns them), then the summary.</summary>
    public static void WriteList(TextWriter output, IReadOnlyList<QueuedInstance> instances, QueueStats stats, DateTimeOffset now)
    {
        foreach (var study in instances.GroupBy(i => i.StudyPseudonym))
        {
            var rows = study.ToList();
            output.WriteLine($"study {study.Key} ({Plural(rows.Count, "instance")}, study UID {SafeText.Printable(rows[0].StudyUid)})");
            var cells = rows.Select(i => new[]
            {
                Invariant(i.Id), i.State, Invariant(i.Attempts), Size(i.Size), Time(i.ReceivedAt), PriorityName(i.Priority), i.Source,
                Truncate(OneLine(i.LastError) ?? "-", MaxErrorWidth), i.SopInstanceUid,
            }.Select(SafeText.Printable).ToArray());
            WriteAligned(output, [Header, .. cells], indent: "  ");
            output.WriteLine();
        }
        if (instances.Count == 0)
            output.WriteLine("no instances in the selected states");
        output.WriteLine(Summary(stats, now));
    }

    /// <summary>Every field of one row, one per line.</summary>
    public static void WriteInstance(TextWriter output, QueuedInstance i)
    {
        var fields = new (string Name, string? Value)[]
        {
            ("id", Invariant(i.Id)),
            ("state", i.State),
            ("study", i.StudyPseudonym),
            ("study id", Invariant(i.StudyId)),
            ("study UID", i.StudyUid),
            ("series UID", i.SeriesUid),
            ("SOP instance UID", i.SopInstanceUid),
            ("version", Invariant(i.Version)),
            ("SOP class UID", i.SopClassUid),
            ("transfer syntax UID", i.TransferSyntaxUid),
            ("size", $"{Invariant(i.Size)} bytes ({Size(i.Size)})"),
            ("sha256", Convert.ToHexStringLower(i.Sha256)),
            ("local path", i.LocalPath),
            ("source", i.Source),
            ("source host", i.SourceHost),
            ("received (UTC)", Time(i.ReceivedAt)),
            ("priority", PriorityName(i.Priority)),
            ("attempts", Invariant(i.Attempts)),
            ("next attempt (UTC)", Time(i.NextAttemptAt)),
            ("last error", OneLine(i.LastError)),
            ("object key", i.ObjectKey),
            ("destination", i.Destination),
            ("etag", i.ETag),
            ("upload checkpoint", OneLine(i.UploadCheckpoint)),
        };
        var width = fields.Max(f => f.Name.Length) + 1;
        foreach (var (name, value) in fields)
            output.WriteLine($"{(name + ":").PadRight(width)} {SafeText.PrintableOrNull(value) ?? "-"}");
    }

    /// <summary>"pending 2, uploading 0, failed 1, uploaded 5, evicted 3; 1.2 MB to upload; oldest waiting 3m 04s" (evicted: uploaded,
    /// local copy deleted by retention).</summary>
    public static string Summary(QueueStats stats, DateTimeOffset now)
    {
        var oldest = stats.OldestPending is { } at ? $"oldest waiting {Age(now - at)} (since {Time(at)})" : "nothing waiting";
        return $"pending {Invariant(stats.Pending)}, uploading {Invariant(stats.Uploading)}, failed {Invariant(stats.Failed)}, " +
               $"uploaded {Invariant(stats.Uploaded)}, evicted {Invariant(stats.Evicted)}; {Size(stats.BytesPending)} to upload; {oldest}";
    }

    public static string PriorityName(int priority) => priority switch
    {
        Priorities.Low => "low",
        Priorities.Medium => "medium",
        Priorities.High => "high",
        _ => Invariant(priority),
    };

    /// <summary>UTC, ISO-8601, to the second: 2026-11-29T09:31:02Z.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Decimal units, as <c>send</c> reports: 512 B, 39.1 kB, 1.2 MB, 3.40 GB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:F1} kB"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F2} GB"),
    };

    /// <summary>45s, 3m 04s, 2h 05m, 3d 04h. A negative age (clock skew) reads as 0s.</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        return age.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays}d {age.Hours:D2}h")
            : age.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h {age.Minutes:D2}m")
            : age.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes}m {age.Seconds:D2}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalSeconds}s");
    }

    public static string Plural(long count, string noun) => count == 1 ? $"1 {noun}" : $"{Invariant(count)} {noun}s";

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Error texts come from exceptions: keep each on one line of the table.</summary>
    private static string? OneLine(string? text) =>
        text is null ? null : string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Truncate(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static void WriteAligned(TextWriter output, IReadOnlyList<string[]> rows, string indent)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
            for (var c = 0; c < row.Length; c++)
                widths[c] = Math.Max(widths[c], row[c].Length);
        var line = new StringBuilder();
        foreach (var row in rows)
        {
            line.Clear().Append(indent);
            for (var c = 0; c < row.Length; c++)
            {
                line.Append(row[c]);
                if (c < row.Length - 1) line.Append(' ', widths[c] - row[c].Length + 2);
            }
            output.WriteLine(line.ToString());
        }
    }
}
