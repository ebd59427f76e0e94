using System.Text.Json;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// The <c>--json</c> documents of <c>imaging-edge queue</c>. Property names are camelCase and written out here one by
/// one, so that renaming a C# member never changes them; a breaking change bumps <see cref="SchemaVersion"/>.
/// Times are UTC ISO-8601 strings; absent values are <c>null</c>, never left out.
/// </summary>
internal static class QueueJson
{
    public const int SchemaVersion = 1;

    private static readonly JsonWriterOptions Options = new() { Indented = true };

    /// <summary>{schemaVersion, stats, studies: [{study, studyUid, instances: [...]}]}</summary>
    public static void WriteList(Stream output, IReadOnlyList<QueuedInstance> instances, QueueStats stats, DateTimeOffset now)
    {
        using var json = new Utf8JsonWriter(output, Options);
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", SchemaVersion);
        json.WritePropertyName("stats");
        WriteStats(json, stats, now);
        json.WriteStartArray("studies");
        foreach (var study in instances.GroupBy(i => i.StudyPseudonym))
        {
            json.WriteStartObject();
            json.WriteString("study", study.Key);
            json.WriteString("studyUid", study.First().StudyUid);
            json.WriteStartArray("instances");
            foreach (var instance in study) WriteInstance(json, instance);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>{schemaVersion, instances: [...]}: one row for an id, every version for a SOP Instance UID.</summary>
    public static void WriteShow(Stream output, IReadOnlyList<QueuedInstance> instances)
    {
        using var json = new Utf8JsonWriter(output, Options);
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", SchemaVersion);
        json.WriteStartArray("instances");
        foreach (var instance in instances) WriteInstance(json, instance);
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>{schemaVersion, requestId, retried: [ids], result}</summary>
    public static void WriteRetry(Stream output, string requestId, IReadOnlyList<long> retried, string result)
    {
        using var json = new Utf8JsonWriter(output, Options);
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", SchemaVersion);
        json.WriteString("requestId", requestId);
        json.WriteStartArray("retried");
        foreach (var id in retried) json.WriteNumberValue(id);
        json.WriteEndArray();
        json.WriteString("result", result);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private static void WriteStats(Utf8JsonWriter json, QueueStats stats, DateTimeOffset now)
    {
        json.WriteStartObject();
        json.WriteNumber("pending", stats.Pending);
        json.WriteNumber("uploading", stats.Uploading);
        json.WriteNumber("failed", stats.Failed);
        json.WriteNumber("uploaded", stats.Uploaded);
        json.WriteNumber("evicted", stats.Evicted);
        json.WriteNumber("bytesPending", stats.BytesPending);
        if (stats.OldestPending is { } oldest)
        {
            json.WriteString("oldestPendingAt", QueueTable.Time(oldest));
            json.WriteNumber("oldestPendingAgeSeconds", Math.Max(0L, (long)(now - oldest).TotalSeconds));
        }
        else
        {
            json.WriteNull("oldestPendingAt");
            json.WriteNull("oldestPendingAgeSeconds");
        }
        json.WriteEndObject();
    }

    private static void WriteInstance(Utf8JsonWriter json, QueuedInstance i)
    {
        json.WriteStartObject();
        json.WriteNumber("id", i.Id);
        json.WriteString("state", i.State);
        json.WriteString("study", i.StudyPseudonym);
        json.WriteString("studyUid", i.StudyUid);
        json.WriteString("seriesUid", i.SeriesUid);
        json.WriteString("sopInstanceUid", i.SopInstanceUid);
        json.WriteNumber("version", i.Version);
        json.WriteString("sopClassUid", i.SopClassUid);
        json.WriteString("transferSyntaxUid", i.TransferSyntaxUid);
        json.WriteNumber("size", i.Size);
        json.WriteString("sha256", Convert.ToHexStringLower(i.Sha256));
        json.WriteString("localPath", i.LocalPath);
        json.WriteString("source", i.Source);
        json.WriteString("sourceHost", i.SourceHost);
        json.WriteString("receivedAt", QueueTable.Time(i.ReceivedAt));
        json.WriteString("priority", QueueTable.PriorityName(i.Priority));
        json.WriteNumber("attempts", i.Attempts);
        json.WriteString("nextAttemptAt", QueueTable.Time(i.NextAttemptAt));
        json.WriteString("lastError", i.LastError);
        json.WriteString("objectKey", i.ObjectKey);
        json.WriteString("destination", i.Destination);
        json.WriteString("etag", i.ETag);
        json.WriteString("uploadCheckpoint", i.UploadCheckpoint);
        json.WriteEndObject();
    }
}
