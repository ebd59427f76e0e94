namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// Instances received since midnight UTC, for status. Counted in memory as the queue takes them, starting from one
/// count in the database the first time it is read, so that status never scans the queue.
/// </summary>
internal sealed class ReceivedToday(Func<DateTimeOffset, long> countSince)
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _day;
    private long _count;

    public long Read(DateTimeOffset now)
    {
        lock (_lock)
        {
            var day = Day(now);
            if (_day != day)
            {
                _count = countSince(day);
                _day = day;
            }
            return _count;
        }
    }

    public void Add(DateTimeOffset receivedAt)
    {
        lock (_lock)
            if (_day == Day(receivedAt)) _count++;
    }

    private static DateTimeOffset Day(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);
}
