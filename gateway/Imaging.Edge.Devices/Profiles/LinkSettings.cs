using Imaging.Edge.Devices.Link.Astm;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>The link protocol and its parameters; unset ones take the standard's values.</summary>
internal sealed record LinkSettings
{
    public required LinkProtocol Protocol { get; init; }
    /// <summary>Largest frame, STX through LF: 247 (legacy E1381) to 64,000 (LIS01-A2, the default).</summary>
    public int? MaxFrameSize { get; init; }
    public double? ReceiverTimeoutSeconds { get; init; }
    public double? SenderTimeoutSeconds { get; init; }
    public int? MaxAttempts { get; init; }
    /// <summary>Where a message whose acknowledgement waits for storage ends (default: the E1394 terminator record).</summary>
    public AstmMessageBoundary? MessageEnd { get; init; }

    public AstmLinkOptions ToAstmOptions()
    {
        var defaults = new AstmLinkOptions();
        return defaults with
        {
            MaxFrameSize = MaxFrameSize ?? defaults.MaxFrameSize,
            ReceiverTimeout = ReceiverTimeoutSeconds is { } receiver ? TimeSpan.FromSeconds(receiver) : defaults.ReceiverTimeout,
            SenderTimeout = SenderTimeoutSeconds is { } sender ? TimeSpan.FromSeconds(sender) : defaults.SenderTimeout,
            MaxAttempts = MaxAttempts ?? defaults.MaxAttempts,
            MessageBoundary = MessageEnd ?? AstmMessageBoundary.TerminatorRecord,
        };
    }
}

internal enum LinkProtocol
{
    /// <summary>CLSI LIS01-A2 (ASTM E1381). The stx-etx, escaped-binary and line protocols of issue 12 come later.</summary>
    AstmE1381,
}
