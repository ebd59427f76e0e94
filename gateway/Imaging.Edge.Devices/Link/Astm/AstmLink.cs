namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>
/// Both sides of one <c>astm-e1381</c> line: the peer's bytes go to the sender while it holds the line (they are
/// replies to it) and to the receiver otherwise; the sender starts only while the receiver is idle. Contention (both
/// sent ENQ) is settled by the sender's role (LIS01-A2 §8.2.7.1: the instrument wins). One lock for both.
/// </summary>
internal sealed class AstmLink : IDisposable
{
    private readonly object _gate = new();

    public AstmLink(AstmLinkOptions options, IAstmLinkHandler handler, TimeProvider time, AstmRole role, Func<bool>? refuseData = null)
    {
        Receiver = new AstmReceiver(options, handler, time, refuseData, _gate);
        Sender = new AstmSender(options, handler, time, role, () => Receiver.IsBusy, _gate);
    }

    public AstmReceiver Receiver { get; }

    public AstmSender Sender { get; }

    /// <summary>Feeds bytes from the peer. Does not throw.</summary>
    public void Receive(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            foreach (var b in bytes)
            {
                if (Sender.IsActive)
                    Sender.Step(b);
                else
                    Receiver.Step(b);
                if (!Receiver.IsBusy)
                    Sender.TryStart();
            }
        }
    }

    public void Dispose()
    {
        Receiver.Dispose();
        Sender.Dispose();
    }
}
