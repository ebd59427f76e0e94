namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Section <c>Retention</c>: what is kept on the box, for how long, and the disk guard (docs/retention.md).</summary>
internal sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Below this much free space on the data disk, new instances are refused with 0xA700.</summary>
    public long ReserveMegabytes { get; set; } = 512;

    /// <summary>
    /// The local copy of an instance whose cloud copy is verified is deleted this many days after its upload;
    /// 0: as soon as it is verified. Instances not uploaded are never deleted by retention.
    /// </summary>
    public int KeepUploadedDays { get; set; } = 30;

    /// <summary>Above this share of the data disk in use, verified local copies are deleted oldest first until it is below.</summary>
    public int HighWaterPercent { get; set; } = 85;

    /// <summary>Audit rows and outbox events (never published) older than this are pruned.</summary>
    public int LogRetentionDays { get; set; } = 180;

    /// <summary>How often the retention sweep runs (the high-water check also runs whenever the disk monitor sees the mark passed).</summary>
    public int SweepIntervalSeconds { get; set; } = 300;
}
