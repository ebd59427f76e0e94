namespace Imaging.Edge.Devices.Link;

/// <summary>
/// The receiving side of one device's link protocol, whatever it is (<c>astm-e1381</c>, <c>stx-etx</c>,
/// <c>escaped-binary</c>, <c>line</c>): bytes from the port go in, replies and complete messages come out through
/// the <see cref="IDeviceLinkHandler"/>. A pure state machine: no I/O, timers on a <see cref="TimeProvider"/>.
/// Built by <see cref="DeviceLinks.Create"/> from a profile; the serial listener and the offline replay drive it.
/// </summary>
internal interface IDeviceLink : IDisposable
{
    /// <summary>Feeds bytes from the device. Does not throw (except what the handler's <c>Write</c> throws).</summary>
    void Receive(ReadOnlySpan<byte> bytes);

    /// <summary>
    /// The caller's word on message <paramref name="number"/> that awaited acknowledgement: durable (acknowledge it
    /// on the link, if the protocol has replies) or not (refuse it, so the device sends it again, if it can). False
    /// when that message no longer waits; nothing is sent then.
    /// </summary>
    bool Acknowledge(long number, bool durable);

    /// <summary>Bytes held for an incomplete frame and message (bounded by the profile's limits).</summary>
    (int Frame, int Message) BufferedBytes { get; }
}
