using Imaging.Edge.Devices.Link.Checks;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link.EscapedBinary;

/// <summary>The parameters of an <c>escaped-binary</c> link, from the profile (checked by <see cref="ProfileRules"/>).</summary>
internal sealed record EscapedBinaryOptions
{
    public required byte StartFlag { get; init; }
    public required byte EndFlag { get; init; }
    public required byte Escape { get; init; }
    public required byte Xor { get; init; }
    public LengthFieldSettings? Length { get; init; }
    /// <summary>Binary, at the end of the unescaped frame, over every byte before it.</summary>
    public FrameCheck? Check { get; init; }
    public byte? Ack { get; init; }
    public byte? Nak { get; init; }
    /// <summary>The unescaped frame, length field and check included, flags not.</summary>
    public int MaxFrameSize { get; init; } = LinkLimits.DefaultMaxFrameSize;
    public TimeSpan ReceiverTimeout { get; init; } = LinkLimits.DefaultReceiverTimeout;

    public static EscapedBinaryOptions From(LinkSettings settings)
    {
        var escape = settings.Escape ?? throw new ArgumentException("escaped-binary needs link.escape", nameof(settings));
        return new EscapedBinaryOptions
        {
            StartFlag = (byte)escape.StartFlag,
            EndFlag = (byte)escape.EndFlag,
            Escape = (byte)escape.Escape,
            Xor = (byte)escape.Xor,
            Length = settings.Length,
            Check = settings.Checksum?.ToFrameCheck(ChecksumEncoding.Binary),
            Ack = (byte?)settings.Replies?.Ack,
            Nak = (byte?)settings.Replies?.Nak,
            MaxFrameSize = Math.Min(LinkLimits.FrameSizeOf(settings), LinkLimits.MessageSizeOf(settings)),
            ReceiverTimeout = LinkLimits.ReceiverTimeoutOf(settings),
        };
    }
}
