namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// The replies a device waits for: <see cref="Ack"/> once a message is stored durably, <see cref="Nak"/> for a bad
/// frame or a message that could not be stored (so the device sends it again).
/// </summary>
internal sealed record ReplySettings
{
    /// <summary>e.g. 6 (ACK).</summary>
    public required int Ack { get; init; }
    /// <summary>e.g. 21 (NAK); absent: a bad frame gets no reply (the device's own timeout resends).</summary>
    public int? Nak { get; init; }
}
