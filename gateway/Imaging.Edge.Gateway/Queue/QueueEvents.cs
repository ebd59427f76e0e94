using System.Text.Json;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// Payloads of the events the queue writes to the outbox in the same transaction as the change they report.
/// A study is named only by its pseudonym: no UID, no patient attribute leaves the box through an event.
/// </summary>
internal static class QueueEvents
{
    public const string StudyReceived = "study.received";
    public const string StudyComplete = "study.complete";
    public const string InstanceDuplicate = "instance.duplicate";
    public const string UploadFailed = "upload.failed";
    public const string InstanceFileMissing = "instance.file_missing";
    public const string StudyUploaded = "study.uploaded";
    public const string DiskReserve = "disk.reserve";
    public const string RetentionEvicted = "retention.evicted";
    public const string EraseCompleted = "erase.completed";
    public const string CommandExecuted = "command.executed";
    public const string EventsDropped = "events.dropped";
    public const string DeviceConnected = "device.connected";
    public const string DeviceDisconnected = "device.disconnected";
    public const string DeviceRejected = "device.rejected";

    public static string Payload(params (string Name, object? Value)[] fields)
    {
        var values = new Dictionary<string, object?>(fields.Length);
        foreach (var (name, value) in fields) values[name] = value;
        Privacy.Outbound.CheckEventFields(values.Keys);
        return JsonSerializer.Serialize(values);
    }
}
