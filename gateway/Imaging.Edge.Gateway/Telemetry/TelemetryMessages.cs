using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Health;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>
/// The topics and JSON payloads of telemetry (docs/telemetry.md). Each payload starts with <c>schemaVersion</c>,
/// <c>ts</c> and <c>seq</c>. Only counts, states and what the outbox holds (pseudonyms) go out: no patient data.
/// </summary>
internal static class TelemetryMessages
{
    public static string StatusTopic(string prefix) => prefix + "/status";

    public static string HeartbeatTopic(string prefix) => prefix + "/heartbeat";

    public static string HistoryTopic(string prefix) => prefix + "/history";

    public static string EventsTopic(string prefix) => prefix + "/events";

    public static string LogsTopic(string prefix, string level) => prefix + "/logs/" + level;

    /// <summary>The offline status: the Last Will (reason <c>connection lost</c>) or a clean stop (<c>shutdown</c>).</summary>
    public static byte[] Offline(DateTimeOffset ts, long seq, string site, string gateway, string reason) =>
        StatusJson.Payload(ts, seq, new JsonObject { ["site"] = site, ["gateway"] = gateway, ["state"] = GatewayStatus.Offline, ["reason"] = reason });

    public static byte[] Status(DateTimeOffset ts, long seq, GatewayStatus status) => StatusJson.Payload(ts, seq, StatusJson.ToJson(status));

    public static byte[] Heartbeat(DateTimeOffset ts, long seq, GatewayStatus status) => StatusJson.Payload(ts, seq, new JsonObject
    {
        ["state"] = status.State,
        ["uptimeSeconds"] = status.UptimeSeconds,
        ["queue"] = new JsonObject { ["pending"] = status.Queue.Pending, ["failed"] = status.Queue.Failed },
    });

    /// <summary>An outbox row; its id is the <c>seq</c> (increasing, never reused, gaps possible, repeated after a crash).</summary>
    public static byte[] Event(OutboxEvent outboxEvent) => StatusJson.Payload(outboxEvent.At, outboxEvent.Id, new JsonObject
    {
        ["type"] = outboxEvent.Type,
        ["data"] = JsonNode.Parse(outboxEvent.Payload),
    });

    public static byte[] Log(long seq, ForwardedLog line, long dropped) => StatusJson.Payload(line.At, seq, new JsonObject
    {
        ["level"] = line.Level,
        ["category"] = line.Category,
        ["eventId"] = line.EventId,
        ["message"] = line.Message,
        ["dropped"] = dropped,
    });

    /// <summary>What a change of status means to a dashboard; uptime, rates and free bytes move all the time and do not count.</summary>
    public static string Signature(GatewayStatus s) => string.Join('|',
        s.State, string.Join(',', s.Reasons), s.Queue.Pending, s.Queue.Uploading, s.Queue.Failed, s.Upload.Paused, s.Upload.Endpoint,
        string.Join(',', s.Upload.Circuits.Select(c => c.Key + "=" + c.Value)), s.Receive.ActiveAssociations, s.Disk.BelowReserve,
        s.Upload.LastSuccess?.ToUnixTimeSeconds());
}
