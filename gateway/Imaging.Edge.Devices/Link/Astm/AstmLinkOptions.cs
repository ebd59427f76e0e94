namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>The parameters of an <c>astm-e1381</c> link, from the device's profile.</summary>
internal sealed record AstmLinkOptions
{
    /// <summary>LIS01-A2 §8.3.1: a frame is at most 64,000 characters, STX through LF.</summary>
    public const int CurrentMaxFrameSize = 64_000;
    /// <summary>ASTM E1381-91 (the legacy edition): at most 247 characters, 240 of them text.</summary>
    public const int LegacyMaxFrameSize = 247;

    /// <summary>The largest frame accepted or sent, STX through LF.</summary>
    public int MaxFrameSize { get; init; } = CurrentMaxFrameSize;

    /// <summary>§8.5.2: the receiver waits 30 s for a frame or EOT before it discards an incomplete message.</summary>
    public TimeSpan ReceiverTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>§8.5.1: the sender waits 15 s for ACK/NAK to ENQ or to a frame.</summary>
    public TimeSpan SenderTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>§8.5.1.2: a frame is sent at most six times, then the sender aborts the message.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>§8.2.6: after a NAK to its ENQ (the receiver is busy) the sender waits 10 s before a new ENQ.</summary>
    public TimeSpan BusyRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>§8.2.7.1: in contention the instrument waits at least 1 s before it sends ENQ again.</summary>
    public TimeSpan InstrumentContentionDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>§8.2.7.1: in contention the computer yields and waits at least 20 s before it tries to send again.</summary>
    public TimeSpan ComputerContentionDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Bound on the text of one message held in memory (frames joined). A device that never sends ETX must not fill
    /// memory; past this the message is discarded and the frame answered with NAK.
    /// </summary>
    public int MaxMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Which ETX frame ends a message whose acknowledgement waits for the caller.</summary>
    public AstmMessageBoundary MessageBoundary { get; init; } = AstmMessageBoundary.EtxFrame;
}
