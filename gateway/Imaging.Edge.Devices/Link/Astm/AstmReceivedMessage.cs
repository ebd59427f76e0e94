namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>A message received on an ASTM link.</summary>
/// <param name="Number">Identifies the message in <see cref="AstmReceiver.Acknowledge"/>; counts up from 1 per receiver.</param>
/// <param name="Text">The frames' text joined in order, ETB/ETX and checksums removed.</param>
/// <param name="AwaitsAcknowledgement">
/// True: the ACK of the last frame is held until the caller says the message is durable. False: it was already
/// acknowledged on the link (a device that ends the transfer without a message terminator; see
/// <see cref="AstmMessageBoundary.TerminatorRecord"/>), so the caller must store it as best it can.
/// </param>
internal sealed record AstmReceivedMessage(long Number, byte[] Text, bool AwaitsAcknowledgement);
