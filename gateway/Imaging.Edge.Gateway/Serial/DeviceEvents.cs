using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Serial;

/// <summary>
/// The <c>device.*</c> events of docs/telemetry.md, through the outbox like every event: the device's configured
/// name and port, a reason code; never message content. A device that goes away is not data being lost, so an event
/// that cannot be written is reported to the caller (who logs it) and not retried.
/// </summary>
internal sealed class DeviceEvents(QueueWriter writer)
{
    public void Connected(SerialDevice device) =>
        Add(QueueEvents.DeviceConnected, QueueEvents.Payload(("device", device.Name), ("port", device.Port)));

    /// <param name="reason">A code: closed, unavailable, or an exception kind.</param>
    public void Disconnected(SerialDevice device, string reason) =>
        Add(QueueEvents.DeviceDisconnected, QueueEvents.Payload(("device", device.Name), ("port", device.Port), ("reason", reason)));

    /// <param name="reason">A code: disk-reserve (refused before any byte), store-failed, queue-full, profile.</param>
    public void Rejected(string device, string port, string reason) =>
        Add(QueueEvents.DeviceRejected, QueueEvents.Payload(("device", device), ("port", port), ("reason", reason)));

    private void Add(string type, string payload) =>
        writer.Write(Durability.Normal, (SqliteTransaction transaction) => writer.AddEvent(transaction, type, payload));
}
