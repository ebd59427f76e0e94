namespace Imaging.Edge.Devices.Tests.Link.Astm;

/// <summary>
/// Two ends of a serial line in memory: what one end writes is queued for the other and delivered by
/// <see cref="Pump"/> (never from inside a write, so a state machine is never re-entered by its peer's reply).
/// A filter may change or drop bytes on their way, to play a noisy line.
/// </summary>
internal sealed class InMemoryWire
{
    private readonly Queue<(bool ToB, byte[] Bytes)> _inFlight = new();
    private readonly Action<byte[]> _deliverToA;
    private readonly Action<byte[]> _deliverToB;

    public InMemoryWire(RecordingHandler a, Action<byte[]> deliverToA, RecordingHandler b, Action<byte[]> deliverToB)
    {
        _deliverToA = deliverToA;
        _deliverToB = deliverToB;
        a.Forward = bytes => _inFlight.Enqueue((true, bytes));
        b.Forward = bytes => _inFlight.Enqueue((false, bytes));
    }

    /// <summary>Changes the bytes from A to B (return null to lose them).</summary>
    public Func<byte[], byte[]?>? AToB { get; set; }

    /// <summary>Delivers until nothing is in flight; returns the number of deliveries.</summary>
    public int Pump()
    {
        var count = 0;
        while (_inFlight.TryDequeue(out var item))
        {
            count++;
            if (count > 100_000)
                throw new InvalidOperationException("the two ends never go quiet");
            if (item.ToB)
            {
                var bytes = AToB is null ? item.Bytes : AToB(item.Bytes);
                if (bytes is not null)
                    _deliverToB(bytes);
            }
            else
                _deliverToA(item.Bytes);
        }
        return count;
    }
}
