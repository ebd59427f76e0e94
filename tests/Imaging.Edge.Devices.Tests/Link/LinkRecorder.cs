using Imaging.Edge.Devices.Link;

namespace Imaging.Edge.Devices.Tests.Link;

/// <summary>Records what a device link wrote and reported, for the stx-etx, escaped-binary and line tests.</summary>
internal sealed class LinkRecorder : IDeviceLinkHandler
{
    public List<byte> Written { get; } = [];
    public List<DeviceLinkMessage> Messages { get; } = [];
    public List<LinkProblem> Problems { get; } = [];

    /// <summary>Called for each message (e.g. to acknowledge at once); default: nothing, the test acknowledges.</summary>
    public Action<DeviceLinkMessage>? OnMessage { get; set; }

    public void Write(ReadOnlySpan<byte> bytes) => Written.AddRange(bytes);

    public void MessageReceived(DeviceLinkMessage message)
    {
        Messages.Add(message);
        OnMessage?.Invoke(message);
    }

    public void Problem(LinkProblem problem) => Problems.Add(problem);

    public IReadOnlyList<LinkProblemKind> ProblemKinds => [.. Problems.Select(p => p.Kind)];

    public IReadOnlyList<string> Texts => [.. Messages.Select(m => Frames.Latin1String(m.Text))];

    /// <summary>Takes what was written so far.</summary>
    public byte[] Take()
    {
        var bytes = Written.ToArray();
        Written.Clear();
        return bytes;
    }
}
