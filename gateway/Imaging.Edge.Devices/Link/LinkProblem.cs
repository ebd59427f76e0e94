namespace Imaging.Edge.Devices.Link;

/// <summary>
/// Something a link state machine met and handled (with a NAK, a discard or an abort): reported so the listener can
/// log it once and count it. The detail names frame numbers, sizes and counts only, never message content (it may
/// carry patient data).
/// </summary>
internal sealed record LinkProblem(LinkProblemKind Kind, string Detail);

internal enum LinkProblemKind
{
    /// <summary>The checksum characters did not match the frame (NAK).</summary>
    BadChecksum,
    /// <summary>A frame number that is neither the last accepted nor the next (NAK).</summary>
    BadFrameNumber,
    /// <summary>A frame not shaped STX FN text ETB|ETX C1 C2 CR LF (NAK).</summary>
    MalformedFrame,
    /// <summary>A restricted control character inside a frame's text (NAK).</summary>
    RestrictedCharacter,
    /// <summary>A frame longer than the profile's maximum (NAK; not buffered past the maximum).</summary>
    FrameTooLong,
    /// <summary>A message longer than the bound held in memory (discarded, NAK).</summary>
    MessageTooLong,
    /// <summary>No frame or EOT within the receiver timeout: the incomplete message was discarded.</summary>
    ReceiverTimeout,
    /// <summary>EOT (or a new ENQ) before the last frame: the incomplete message was discarded.</summary>
    TransferInterrupted,
    /// <summary>ENQ answered with NAK: this side refused data (below the disk reserve).</summary>
    RefusedBusy,
    /// <summary>The caller could not store a complete message: its last frame was answered with NAK.</summary>
    StoreFailed,
    /// <summary>Sending side: no reply within the sender timeout; the message was aborted.</summary>
    SenderTimeout,
    /// <summary>Sending side: a frame was refused on every allowed attempt; the message was aborted.</summary>
    TooManyAttempts,
    /// <summary>Both sides sent ENQ; the computer yielded to the instrument.</summary>
    Contention,
    /// <summary>Bytes outside any frame were ignored (reported once per run of such bytes, not per byte).</summary>
    BytesOutsideFrame,
}
