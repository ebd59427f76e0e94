namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Section <c>Retention</c>: disk duties. Only the reserve is used by the receiver.</summary>
internal sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Below this much free space on the data disk, new instances are refused with 0xA700.</summary>
    public long ReserveMegabytes { get; set; } = 512;

    /// <summary>Used space (percent of the data disk) above which verified copies are evicted, oldest first.</summary>
    public int HighWaterPercent { get; set; } = 85;
}
