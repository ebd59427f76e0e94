namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>
/// What an ASTM link state machine tells its driver. Called with the machine's lock held, in the order things
/// happen: write the bytes without blocking on the machine (a serial port write is fine); calling back into the
/// machine from here (for example <see cref="AstmReceiver.Acknowledge"/>) is allowed. The machine's state is
/// updated before each call, so an exception thrown here (a port write that failed) reaches the caller of
/// <c>Receive</c> and leaves the machine consistent: the listener closes the port and the transfer times out.
/// </summary>
internal interface IAstmLinkHandler
{
    /// <summary>Bytes to send to the peer, in order.</summary>
    void Write(ReadOnlySpan<byte> bytes);

    /// <summary>
    /// A complete message (its frames' text joined; records still end with CR). When
    /// <see cref="AstmReceivedMessage.AwaitsAcknowledgement"/> is true, the ACK of its last frame is held back until
    /// <see cref="AstmReceiver.Acknowledge"/> is called.
    /// </summary>
    void MessageReceived(AstmReceivedMessage message);

    /// <summary>A message this side sent was accepted frame by frame (sending side).</summary>
    void MessageSent(long messageId);

    /// <summary>Something went wrong and was handled (NAK, discard, abort).</summary>
    void Problem(LinkProblem problem);
}
