namespace Imaging.Edge.Devices.Link;

/// <summary>
/// What a device link tells its driver, called with the link's lock held, in the order things happen. Calling back
/// into the link from here (for example <see cref="IDeviceLink.Acknowledge"/>) is allowed. The link's state is
/// updated before each call, so an exception thrown here (a port write that failed) reaches the caller of
/// <see cref="IDeviceLink.Receive"/> and leaves the link consistent.
/// </summary>
internal interface IDeviceLinkHandler
{
    /// <summary>Bytes to send to the device, in order (replies such as ACK/NAK).</summary>
    void Write(ReadOnlySpan<byte> bytes);

    /// <summary>A complete message; see <see cref="DeviceLinkMessage.AwaitsAcknowledgement"/>.</summary>
    void MessageReceived(DeviceLinkMessage message);

    /// <summary>Something went wrong and was handled (NAK, discard, timeout).</summary>
    void Problem(LinkProblem problem);
}

/// <summary>One complete message a link received.</summary>
/// <param name="Number">Identifies the message in <see cref="IDeviceLink.Acknowledge"/>; counts up from 1 per link.</param>
/// <param name="Text">The message's payload for the parser: framing, checksums and escapes removed.</param>
/// <param name="AwaitsAcknowledgement">
/// True: the link holds back its acknowledgement until the caller says the message is durable. False: the protocol
/// has no acknowledgement to hold (or already gave it), so the caller stores the message as best it can.
/// </param>
internal sealed record DeviceLinkMessage(long Number, byte[] Text, bool AwaitsAcknowledgement);
