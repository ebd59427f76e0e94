namespace Imaging.Edge.Devices.Profiles;

/// <summary><c>line</c>: text lines, how they make messages, and the silence that ends a device's text.</summary>
internal sealed record LineSettings
{
    /// <summary>The bytes that end a line: [13] CR, [10] LF, [13, 10] CRLF, or any sequence.</summary>
    public required IReadOnlyList<int> Delimiter { get; init; }
    /// <summary>Default each-line.</summary>
    public LineGrouping? Grouping { get; init; }
    /// <summary>terminator-line: the line (without its delimiter) that ends a message, and belongs to it.</summary>
    public string? TerminatorLine { get; init; }
    /// <summary>Silence for this long ends the line and the message held (a device that just stops); absent: never.</summary>
    public double? IdleEndSeconds { get; init; }
}

internal enum LineGrouping
{
    /// <summary>Each non-empty line is a message.</summary>
    EachLine,
    /// <summary>A message is the lines up to a blank line (not part of it).</summary>
    BlankLine,
    /// <summary>A message is the lines up to and including <see cref="LineSettings.TerminatorLine"/>.</summary>
    TerminatorLine,
}
