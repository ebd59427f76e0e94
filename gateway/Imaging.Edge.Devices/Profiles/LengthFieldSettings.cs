namespace Imaging.Edge.Devices.Profiles;

/// <summary>A length field in an unescaped <c>escaped-binary</c> frame; a frame whose size disagrees is refused.</summary>
internal sealed record LengthFieldSettings
{
    /// <summary>Where the field starts, counted from the first byte after the start flag.</summary>
    public required int Offset { get; init; }
    /// <summary>1 or 2 bytes.</summary>
    public required int Width { get; init; }
    /// <summary>Default big-endian.</summary>
    public ByteOrder? ByteOrder { get; init; }
    public required LengthCounts Counts { get; init; }
}

/// <summary>What a length field counts.</summary>
internal enum LengthCounts
{
    /// <summary>The message bytes only: the frame without the length field and the check.</summary>
    Payload,
    /// <summary>Every byte after the length field, the check included.</summary>
    AfterField,
    /// <summary>The whole unescaped frame, the length field and the check included (flags not).</summary>
    Frame,
}
