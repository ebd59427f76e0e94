using System.Collections.Concurrent;
namespace Imaging.Edge.Gateway.Serial;

/// <summary>
/// What each serial device is doing, for the status (<c>devices</c> in <c>imaging-edge status</c> and on MQTT): kept
/// in memory by its listener, read by the status reader. Counts and states only; never message content.
/// </summary>
internal sealed class DeviceBoard
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public const string Connected = "connected";
    public const string Disconnected = "disconnected";
    /// <summary>The device's profile did not load (its errors are in the log); the device is not listened to.</summary>
    public const string ProfileRejected = "profile-rejected";

    /// <summary>A device being listened to (or tried), in its initial disconnected state.</summary>
    public void Add(SerialDevice device) =>
        _entries[device.Name] = new Entry(device.Name, device.Port, device.ProfileName);

    /// <summary>A configured device whose profile was rejected.</summary>
    public void AddRejected(string name, string port, string profile) =>
        _entries[name] = new Entry(name, port, profile) { State = ProfileRejected };

    public void Remove(string name) => _entries.TryRemove(name, out _);

    /// <summary>Sets the state; true when it changed (the caller logs and raises an event only then).</summary>
    public bool SetState(string name, string state, DateTimeOffset now, string? reason = null)
    {
        if (!_entries.TryGetValue(name, out var entry))
            return false;
        lock (entry)
        {
            entry.Reason = reason;
            if (entry.State == state)
                return false;
            entry.State = state;
            entry.Since = now;
            return true;
        }
    }

    public void BytesReceived(string name, DateTimeOffset now)
    {
        if (_entries.TryGetValue(name, out var entry))
            lock (entry) entry.LastFrame = now;
    }

    public void MessageStored(string name, int objects)
    {
        if (_entries.TryGetValue(name, out var entry))
            lock (entry) { entry.Messages++; entry.Objects += objects; }
    }

    public void MessageRejected(string name)
    {
        if (_entries.TryGetValue(name, out var entry))
            lock (entry) entry.Rejected++;
    }

    public void LinkProblem(string name)
    {
        if (_entries.TryGetValue(name, out var entry))
            lock (entry) entry.LinkProblems++;
    }

    public IReadOnlyList<DeviceStatus> Snapshot() =>
        [.. _entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e =>
        {
            lock (e)
                return new DeviceStatus(e.Name, e.Port, e.State == Connected, e.LastFrame, e.Profile, e.State, e.Since, e.Reason,
                    e.Messages, e.Objects, e.Rejected, e.LinkProblems);
        })];

    private sealed class Entry(string name, string port, string profile)
    {
        public string Name { get; } = name;
        public string Port { get; } = port;
        public string Profile { get; } = profile;
        public string State { get; set; } = Disconnected;
        public DateTimeOffset? Since { get; set; }
        public string? Reason { get; set; }
        public DateTimeOffset? LastFrame { get; set; }
        public long Messages { get; set; }
        public long Objects { get; set; }
        public long Rejected { get; set; }
        public long LinkProblems { get; set; }
    }
}
