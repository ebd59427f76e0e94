using System.Globalization;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// What each upload slot is doing, so that a slot that stopped, keeps failing or hangs is seen in the status instead
/// of dying silently (CONVENTIONS §12). Slots report; <see cref="Problems"/> turns the reports into degraded reasons.
/// Thread-safe: every slot writes its own entry, the status reads all of them.
/// </summary>
internal sealed class UploadSlots(TimeProvider clock)
{
    /// <summary>Consecutive unexpected faults from which a slot counts as failing (one can be bad luck).</summary>
    public const int FailingAfter = 3;

    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];

    /// <summary>A slot comes into being; its number is its index.</summary>
    public int Add()
    {
        lock (_lock)
        {
            _entries.Add(new Entry { Beat = clock.GetUtcNow() });
            return _entries.Count - 1;
        }
    }

    /// <summary>The slot came round its loop, or moved an upload forward (a part, a verified object).</summary>
    public void Progressed(int slot) => Update(slot, e => e.Beat = clock.GetUtcNow());

    /// <summary>The instance is dealt with (uploaded, postponed, failed for a known reason): the slot is healthy.</summary>
    public void Done(int slot) => Update(slot, e => { e.Beat = clock.GetUtcNow(); e.Faults = 0; e.LastFault = null; });

    /// <summary>Something nobody expected went wrong in the slot; it goes on, but keeps count.</summary>
    public void Faulted(int slot, Exception exception) => Update(slot, e =>
    {
        e.Beat = clock.GetUtcNow();
        e.Faults++;
        e.LastFault = exception.GetType().Name;
    });

    /// <summary>The slot's loop ended (it should only on shutdown).</summary>
    public void Ended(int slot) => Update(slot, e => e.Ended = true);

    public int ConsecutiveFaults(int slot)
    {
        lock (_lock) return _entries[slot].Faults;
    }

    /// <summary>
    /// Degraded reasons, one per slot in trouble: ended, failing <see cref="FailingAfter"/> times in a row, or without
    /// progress for longer than <paramref name="stalledAfter"/> (longer than an upload can take with all its retries).
    /// </summary>
    public IReadOnlyList<string> Problems(TimeSpan stalledAfter) => Describe(stalledAfter, failing: true);

    /// <summary>
    /// Only the slots that ended or make no progress, for the watchdog: a slot that keeps failing still comes round its
    /// loop, and a restart would not mend what makes it fail (the status says so instead).
    /// </summary>
    public IReadOnlyList<string> Stuck(TimeSpan stalledAfter) => Describe(stalledAfter, failing: false);

    /// <summary>Longer than one upload can take with every retry and its attempt timeout: beyond it, a slot hangs.</summary>
    public static TimeSpan StalledAfter(Configuration.UploadOptions upload) =>
        TimeSpan.FromSeconds(upload.AttemptTimeoutSeconds) * (upload.MaxRetryAttempts + 1) + TimeSpan.FromMinutes(5);

    private List<string> Describe(TimeSpan stalledAfter, bool failing)
    {
        var now = clock.GetUtcNow();
        var problems = new List<string>();
        lock (_lock)
        {
            for (var slot = 0; slot < _entries.Count; slot++)
            {
                var entry = _entries[slot];
                if (entry.Ended)
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"upload slot {slot} stopped"));
                else if (failing && entry.Faults >= FailingAfter)
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"upload slot {slot} failing: {entry.LastFault} ({entry.Faults} times in a row)"));
                else if (now - entry.Beat > stalledAfter)
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"upload slot {slot} making no progress for {(long)(now - entry.Beat).TotalMinutes} min"));
            }
        }
        return problems;
    }

    private void Update(int slot, Action<Entry> change)
    {
        lock (_lock) change(_entries[slot]);
    }

    private sealed class Entry
    {
        public DateTimeOffset Beat;
        public int Faults;
        public string? LastFault;
        public bool Ended;
    }
}
