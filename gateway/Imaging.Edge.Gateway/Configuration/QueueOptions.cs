namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Section <c>Queue</c>: study tracking.</summary>
internal sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>A study with no new instance for this long is stable: its manifest is written and ops are told.</summary>
    public int StableStudySeconds { get; set; } = 60;
}
