namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// <c>escaped-binary</c> framing: flags around each frame (the same byte for both, as HDLC/PPP 0x7E, or two), and an
/// escape byte: inside a frame, <see cref="Escape"/> followed by b stands for b XOR <see cref="Xor"/> (PPP: 0x7D,
/// 0x20; 0x7D 0x5E is 0x7E).
/// </summary>
internal sealed record EscapeSettings
{
    public required int StartFlag { get; init; }
    public required int EndFlag { get; init; }
    public required int Escape { get; init; }
    public required int Xor { get; init; }
}
