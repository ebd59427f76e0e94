using System.Text;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link.Line;

/// <summary>The parameters of a <c>line</c> link, from the profile (checked by <see cref="ProfileRules"/>).</summary>
internal sealed record LineOptions
{
    public required byte[] Delimiter { get; init; }
    public LineGrouping Grouping { get; init; } = LineGrouping.EachLine;
    /// <summary>terminator-line: the line's bytes (Latin-1: one byte per character, as the profile wrote it).</summary>
    public byte[] TerminatorLine { get; init; } = [];
    /// <summary>Silence that ends the line and message held; null: never.</summary>
    public TimeSpan? IdleEnd { get; init; }
    /// <summary>One line without its delimiter.</summary>
    public int MaxLineLength { get; init; } = LinkLimits.DefaultMaxFrameSize;
    public int MaxMessageSize { get; init; } = LinkLimits.DefaultMaxMessageSize;

    public static LineOptions From(LinkSettings settings)
    {
        var line = settings.Line ?? throw new ArgumentException("line needs link.line", nameof(settings));
        return new LineOptions
        {
            Delimiter = LinkLimits.BytesOf(line.Delimiter, []),
            Grouping = line.Grouping ?? LineGrouping.EachLine,
            TerminatorLine = Encoding.Latin1.GetBytes(line.TerminatorLine ?? ""),
            IdleEnd = line.IdleEndSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            MaxLineLength = LinkLimits.FrameSizeOf(settings),
            MaxMessageSize = LinkLimits.MessageSizeOf(settings),
        };
    }
}
