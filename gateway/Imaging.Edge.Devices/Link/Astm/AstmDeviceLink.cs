namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>
/// An <c>astm-e1381</c> line as a receiving device link: the gateway is the computer side of an <see cref="AstmLink"/>
/// (it only receives today; the sending side waits for order download), and refuses data with NAK to ENQ while
/// <c>refuseData</c> says so.
/// </summary>
internal sealed class AstmDeviceLink : IDeviceLink, IAstmLinkHandler
{
    private readonly IDeviceLinkHandler _handler;
    private readonly AstmLink _link;

    public AstmDeviceLink(AstmLinkOptions options, IDeviceLinkHandler handler, TimeProvider time, Func<bool>? refuseData)
    {
        _handler = handler;
        _link = new AstmLink(options, this, time, AstmRole.Computer, refuseData);
    }

    public void Receive(ReadOnlySpan<byte> bytes) => _link.Receive(bytes);

    public bool Acknowledge(long number, bool durable) => _link.Receiver.Acknowledge(number, durable);

    public (int Frame, int Message) BufferedBytes => _link.Receiver.BufferedBytes;

    public void Dispose() => _link.Dispose();

    void IAstmLinkHandler.Write(ReadOnlySpan<byte> bytes) => _handler.Write(bytes);

    void IAstmLinkHandler.MessageReceived(AstmReceivedMessage message) =>
        _handler.MessageReceived(new DeviceLinkMessage(message.Number, message.Text, message.AwaitsAcknowledgement));

    void IAstmLinkHandler.MessageSent(long messageId) { }

    void IAstmLinkHandler.Problem(LinkProblem problem) => _handler.Problem(problem);
}
