using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Astm;

namespace Imaging.Edge.Devices.Tests.Link.Astm;

/// <summary>Records what a link state machine wrote and reported; optionally passes its writes on to a peer.</summary>
internal sealed class RecordingHandler : IAstmLinkHandler
{
    public List<byte> Written { get; } = [];
    public List<AstmReceivedMessage> Messages { get; } = [];
    public List<long> Sent { get; } = [];
    public List<LinkProblem> Problems { get; } = [];

    /// <summary>Where writes go besides <see cref="Written"/> (the in-memory wire).</summary>
    public Action<byte[]>? Forward { get; set; }

    /// <summary>Called for each message (e.g. to acknowledge at once); default: nothing, the test acknowledges.</summary>
    public Action<AstmReceivedMessage>? OnMessage { get; set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Written.AddRange(bytes);
        Forward?.Invoke(bytes.ToArray());
    }

    public void MessageReceived(AstmReceivedMessage message)
    {
        Messages.Add(message);
        OnMessage?.Invoke(message);
    }

    public void MessageSent(long messageId) => Sent.Add(messageId);

    public void Problem(LinkProblem problem) => Problems.Add(problem);

    public IEnumerable<LinkProblemKind> ProblemKinds => Problems.Select(p => p.Kind);

    /// <summary>Takes what was written so far.</summary>
    public byte[] Take()
    {
        var bytes = Written.ToArray();
        Written.Clear();
        return bytes;
    }
}
