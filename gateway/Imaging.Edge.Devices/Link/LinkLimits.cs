using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link;

/// <summary>The bounds and defaults shared by the <c>stx-etx</c>, <c>escaped-binary</c> and <c>line</c> links.</summary>
internal static class LinkLimits
{
    /// <summary>The largest frame (or line) a profile may allow: the bound of the one frame buffer.</summary>
    public const int MaxFrameSize = 65_536;
    public const int DefaultMaxFrameSize = 4_096;
    /// <summary>The largest message a profile may allow: the bound of the message held in memory.</summary>
    public const int MaxMessageSize = 16 * 1024 * 1024;
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;
    public static readonly TimeSpan DefaultReceiverTimeout = TimeSpan.FromSeconds(30);

    public static int FrameSizeOf(LinkSettings settings) => settings.MaxFrameSize ?? DefaultMaxFrameSize;

    public static int MessageSizeOf(LinkSettings settings) => settings.MaxMessageSize ?? DefaultMaxMessageSize;

    public static TimeSpan ReceiverTimeoutOf(LinkSettings settings) =>
        settings.ReceiverTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultReceiverTimeout;

    public static byte[] BytesOf(IReadOnlyList<int>? values, byte[] otherwise) =>
        values is null ? otherwise : [.. values.Select(v => (byte)v)];
}
