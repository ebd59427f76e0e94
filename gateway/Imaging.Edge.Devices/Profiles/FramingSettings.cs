namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// <c>stx-etx</c> framing: a frame is a start byte, text, an end byte (with its check before or after the end byte).
/// With <see cref="EndOfMessage"/> a message is every frame up to that byte (SOH header line, STX…CR records, EOT);
/// without it each frame is one message.
/// </summary>
internal sealed record FramingSettings
{
    /// <summary>Bytes that open a frame (any of them): e.g. [1, 2] for SOH header lines and STX records.</summary>
    public required IReadOnlyList<int> Start { get; init; }
    /// <summary>Bytes that close a frame (any of them): e.g. [13] (CR) or [3] (ETX).</summary>
    public required IReadOnlyList<int> End { get; init; }
    /// <summary>The byte that ends a message of several frames (e.g. 4, EOT); absent: each frame is a message.</summary>
    public int? EndOfMessage { get; init; }
    /// <summary>Bytes put between the frames' texts in a message (default [13], CR: one record per line).</summary>
    public IReadOnlyList<int>? JoinWith { get; init; }
}
