using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Imaging.Edge.Gateway.Health;

/// <summary>The JSON form of <see cref="GatewayStatus"/> and the header every telemetry payload starts with.</summary>
internal static class StatusJson
{
    public const int SchemaVersion = 1;

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        Converters = { new UtcTimestampConverter() },
    };

    /// <summary>The status as a JSON object (camelCase), without header.</summary>
    public static JsonObject ToJson(GatewayStatus status) => JsonSerializer.SerializeToNode(status, Options)!.AsObject();

    /// <summary>A payload: <c>schemaVersion</c>, <c>ts</c>, <c>seq</c>, then the body's properties.</summary>
    public static byte[] Payload(DateTimeOffset ts, long seq, JsonObject body)
    {
        var payload = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["ts"] = Timestamp(ts),
            ["seq"] = seq,
        };
        foreach (var (name, value) in body.ToList())
        {
            body.Remove(name);
            payload[name] = value;
        }
        return JsonSerializer.SerializeToUtf8Bytes(payload, Options);
    }

    public static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(Timestamp(value));
    }
}
