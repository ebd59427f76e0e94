namespace Imaging.Edge.Devices.Profiles;

/// <summary>Which messages and results are kept.</summary>
internal sealed record ResultFilter
{
    /// <summary>Messages whose processing id (E1394 H.12) is one of these are dropped whole, e.g. <c>Q</c> (QC).</summary>
    public IReadOnlyList<string>? DropProcessingIds { get; init; }

    /// <summary>Results whose device test code is one of these are dropped.</summary>
    public IReadOnlyList<string>? DropTestCodes { get; init; }
}
