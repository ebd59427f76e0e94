using Imaging.Edge.Devices.Link.Astm;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// The link protocol and its parameters; unset ones take the standard's (or the protocol's) default values. Byte values
/// (start and end bytes, flags, replies, delimiters) are written as JSON numbers 0..255 (STX = 2, not "0x02").
/// </summary>
internal sealed record LinkSettings
{
    public required LinkProtocol Protocol { get; init; }
    /// <summary>
    /// Largest frame: astm-e1381 STX through LF, 247 (legacy E1381) to 64,000 (LIS01-A2, the default); stx-etx start
    /// byte through check; escaped-binary the unescaped frame (length field and CRC included); line one line without
    /// its delimiter.
    /// </summary>
    public int? MaxFrameSize { get; init; }
    /// <summary>Bound on one message held in memory (frames or lines joined); default 4 MiB.</summary>
    public int? MaxMessageSize { get; init; }
    /// <summary>astm-e1381, stx-etx, escaped-binary: silence for this long discards an incomplete message (default 30 s).</summary>
    public double? ReceiverTimeoutSeconds { get; init; }
    public double? SenderTimeoutSeconds { get; init; }
    public int? MaxAttempts { get; init; }
    /// <summary>Where a message whose acknowledgement waits for storage ends (default: the E1394 terminator record).</summary>
    public AstmMessageBoundary? MessageEnd { get; init; }
    /// <summary>stx-etx: the bytes that open and close a frame, and what ends a message.</summary>
    public FramingSettings? Framing { get; init; }
    /// <summary>escaped-binary: the flags and the escape byte.</summary>
    public EscapeSettings? Escape { get; init; }
    /// <summary>escaped-binary: a length field in the unescaped frame, checked against the frame's size.</summary>
    public LengthFieldSettings? Length { get; init; }
    /// <summary>stx-etx, escaped-binary: the frame check; none when absent.</summary>
    public ChecksumSettings? Checksum { get; init; }
    /// <summary>stx-etx, escaped-binary: the ACK/NAK bytes the device waits for; no replies when absent.</summary>
    public ReplySettings? Replies { get; init; }
    /// <summary>line: the delimiter, how lines group into messages, the idle end.</summary>
    public LineSettings? Line { get; init; }

    public AstmLinkOptions ToAstmOptions()
    {
        var defaults = new AstmLinkOptions();
        return defaults with
        {
            MaxFrameSize = MaxFrameSize ?? defaults.MaxFrameSize,
            ReceiverTimeout = ReceiverTimeoutSeconds is { } receiver ? TimeSpan.FromSeconds(receiver) : defaults.ReceiverTimeout,
            SenderTimeout = SenderTimeoutSeconds is { } sender ? TimeSpan.FromSeconds(sender) : defaults.SenderTimeout,
            MaxAttempts = MaxAttempts ?? defaults.MaxAttempts,
            MaxMessageSize = MaxMessageSize ?? defaults.MaxMessageSize,
            MessageBoundary = MessageEnd ?? AstmMessageBoundary.TerminatorRecord,
        };
    }
}

internal enum LinkProtocol
{
    /// <summary>CLSI LIS01-A2 (ASTM E1381).</summary>
    AstmE1381,
    /// <summary>Framed text: configurable start/end bytes, optional check and ACK/NAK (Link/StxEtx).</summary>
    StxEtx,
    /// <summary>Flag-delimited binary frames with an escape byte, HDLC/PPP-like (Link/EscapedBinary).</summary>
    EscapedBinary,
    /// <summary>Text lines ended by a delimiter or by silence (Link/Line).</summary>
    Line,
}
