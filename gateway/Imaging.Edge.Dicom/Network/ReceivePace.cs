namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// The DIMSE timer of an established association, made so that a trickle cannot re-arm it for ever. Between messages
/// a peer may stay silent for the idle timeout. While a message is arriving it draws on a credit of at most
/// rate × idle timeout bytes: every second spent waiting for its bytes costs <c>rate</c> bytes, every byte received
/// earns one back. The next read may wait as long as the credit lasts. So a peer that stalls mid-message is aborted
/// after the idle timeout, as before, and one that sends slower than the minimum rate a little later, however it
/// spreads its bytes; a peer at or above the rate never is. Only time spent waiting for the peer counts, not time
/// spent by us (fsync, the queue's commit). Pure: the caller measures the time. Not thread-safe.
/// </summary>
internal sealed class ReceivePace
{
    private readonly int _rate;
    private readonly TimeSpan _idleTimeout;
    private readonly double _capacity;
    private double _credit;

    public ReceivePace(int minimumBytesPerSecond, TimeSpan idleTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumBytesPerSecond);
        _rate = minimumBytesPerSecond;
        _idleTimeout = idleTimeout;
        _capacity = _credit = minimumBytesPerSecond * idleTimeout.TotalSeconds;
    }

    /// <summary>How long the next read may wait for the peer.</summary>
    public TimeSpan NextReadLimit => _credit >= _capacity ? _idleTimeout : TimeSpan.FromSeconds(Math.Max(0, _credit / _rate));

    /// <summary>Nothing is arriving: the peer may be silent for the whole idle timeout again.</summary>
    public void AtMessageBoundary() => _credit = _capacity;

    /// <summary>A read waited <paramref name="waited"/> and brought <paramref name="bytes"/> new bytes.</summary>
    public void Received(TimeSpan waited, long bytes) =>
        _credit = Math.Min(_capacity, _credit - waited.TotalSeconds * _rate + bytes);
}
