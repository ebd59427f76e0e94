using System.Globalization;
using System.Text;
using System.Text.Json;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>
/// The JSON payloads of the telemetry topics (docs/telemetry.md). Each carries <c>schemaVersion</c>, <c>ts</c> and
/// <c>seq</c>. Only counts, states and what the outbox holds (pseudonyms) go out: no patient data.
/// </summary>
internal static class TelemetryMessages
{
    public const int SchemaVersion = 1;

    public static string StatusTopic(string prefix) => prefix + "/status";

    public static string EventsTopic(string prefix) => prefix + "/events";

    /// <summary>The status the broker publishes for us when the connection drops (the Last Will).</summary>
    public static byte[] Offline(DateTimeOffset ts, long seq, string reason) => Write(writer =>
    {
        Header(writer, ts, seq);
        writer.WriteString("state", "offline");
        writer.WriteString("reason", reason);
    });

    public static byte[] Online(DateTimeOffset ts, long seq, string version, TimeSpan uptime, QueueStats stats) => Write(writer =>
    {
        Header(writer, ts, seq);
        writer.WriteString("state", "online");
        writer.WriteString("version", version);
        writer.WriteNumber("uptimeSeconds", (long)uptime.TotalSeconds);
        writer.WriteStartObject("queue");
        writer.WriteNumber("pending", stats.Pending);
        writer.WriteNumber("uploading", stats.Uploading);
        writer.WriteNumber("failed", stats.Failed);
        writer.WriteNumber("bytesPending", stats.BytesPending);
        if (stats.OldestPending is { } oldest)
            writer.WriteNumber("oldestPendingAgeSeconds", Math.Max(0, (long)(ts - oldest).TotalSeconds));
        else
            writer.WriteNull("oldestPendingAgeSeconds");
        writer.WriteEndObject();
    });

    /// <summary>An outbox row; its id is the <c>seq</c> (increasing, gaps possible, duplicates possible after a crash).</summary>
    public static byte[] Event(OutboxEvent outboxEvent) => Write(writer =>
    {
        Header(writer, outboxEvent.At, outboxEvent.Id);
        writer.WriteString("type", outboxEvent.Type);
        writer.WritePropertyName("data");
        writer.WriteRawValue(outboxEvent.Payload);
    });

    private static void Header(Utf8JsonWriter writer, DateTimeOffset ts, long seq)
    {
        writer.WriteNumber("schemaVersion", SchemaVersion);
        writer.WriteString("ts", ts.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteNumber("seq", seq);
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static string Text(byte[] payload) => Encoding.UTF8.GetString(payload);
}
