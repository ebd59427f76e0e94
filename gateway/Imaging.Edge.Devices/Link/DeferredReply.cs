namespace Imaging.Edge.Devices.Link;

/// <summary>
/// The ACK/NAK bytes of a link whose device waits for a reply to each message (<c>stx-etx</c>,
/// <c>escaped-binary</c>), and the one message whose ACK waits until the caller says it is durable (the one rule:
/// nothing is acknowledged before it is stored). Without an ACK byte the link has no replies: nothing waits and
/// <see cref="Acknowledge"/> is always false. Not thread-safe: the owning link's lock is held.
/// </summary>
internal sealed class DeferredReply(byte? ack, byte? nak, IDeviceLinkHandler handler)
{
    private long? _pending;

    /// <summary>True when the device gets replies, so a complete message waits for <see cref="Acknowledge"/>.</summary>
    public bool Enabled => ack is not null;

    /// <summary>Message <paramref name="number"/> waits for the caller's word.</summary>
    public void Hold(long number)
    {
        if (Enabled)
            _pending = number;
    }

    /// <summary>
    /// The device moved on (a new frame) while the message waited: it gave up on the reply, and will send the message
    /// again; a late acknowledgement sends nothing (a duplicate is the safe side of the one rule).
    /// </summary>
    public void Cancel() => _pending = null;

    public void Ack() => Send(ack);

    public void Nak() => Send(nak);

    public bool Acknowledge(long number, bool durable)
    {
        if (_pending != number)
            return false;
        _pending = null;
        if (durable)
            Ack();
        else
        {
            handler.Problem(new LinkProblem(LinkProblemKind.StoreFailed, $"message {number} not stored; refused"));
            Nak();
        }
        return true;
    }

    private void Send(byte? reply)
    {
        if (reply is { } b)
            handler.Write([b]);
    }
}
