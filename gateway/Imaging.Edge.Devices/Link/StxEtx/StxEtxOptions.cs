using Imaging.Edge.Devices.Link.Checks;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link.StxEtx;

/// <summary>The parameters of an <c>stx-etx</c> link, from the profile (checked by <see cref="ProfileRules"/>).</summary>
internal sealed record StxEtxOptions
{
    public required byte[] Start { get; init; }
    public required byte[] End { get; init; }
    /// <summary>Ends a message of several frames; null: each frame is a message.</summary>
    public byte? EndOfMessage { get; init; }
    public byte[] JoinWith { get; init; } = [0x0D];
    public FrameCheck? Check { get; init; }
    public ChecksumPosition CheckPosition { get; init; } = ChecksumPosition.AfterEnd;
    public bool CheckCoversStart { get; init; }
    public bool CheckCoversEnd { get; init; }
    public byte? Ack { get; init; }
    public byte? Nak { get; init; }
    /// <summary>Start byte through the check.</summary>
    public int MaxFrameSize { get; init; } = LinkLimits.DefaultMaxFrameSize;
    public int MaxMessageSize { get; init; } = LinkLimits.DefaultMaxMessageSize;
    public TimeSpan ReceiverTimeout { get; init; } = LinkLimits.DefaultReceiverTimeout;

    public static StxEtxOptions From(LinkSettings settings)
    {
        var framing = settings.Framing ?? throw new ArgumentException("stx-etx needs link.framing", nameof(settings));
        var checksum = settings.Checksum;
        return new StxEtxOptions
        {
            Start = LinkLimits.BytesOf(framing.Start, []),
            End = LinkLimits.BytesOf(framing.End, []),
            EndOfMessage = (byte?)framing.EndOfMessage,
            JoinWith = LinkLimits.BytesOf(framing.JoinWith, [0x0D]),
            Check = checksum?.ToFrameCheck(ChecksumEncoding.Hex),
            CheckPosition = checksum?.Position ?? ChecksumPosition.AfterEnd,
            CheckCoversStart = checksum?.IncludesStart ?? false,
            CheckCoversEnd = checksum?.IncludesEnd ?? false,
            Ack = (byte?)settings.Replies?.Ack,
            Nak = (byte?)settings.Replies?.Nak,
            MaxFrameSize = LinkLimits.FrameSizeOf(settings),
            MaxMessageSize = LinkLimits.MessageSizeOf(settings),
            ReceiverTimeout = LinkLimits.ReceiverTimeoutOf(settings),
        };
    }
}
