using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Cli.Provision;

/// <summary>
/// Provision on a terminal: asks for each setting the flags did not give, showing what the configuration has now
/// (Enter keeps it). Secrets are typed without echo and held only until written to their files.
/// </summary>
internal static class ProvisionPrompts
{
    public static ProvisionOptions Ask(ProvisionOptions options, JsonObject current, TextWriter output)
    {
        options = options with
        {
            Site = options.Site ?? Ask(output, "site id", Current(current, "Gateway", "SiteId")),
            GatewayId = options.GatewayId ?? Ask(output, "gateway id", Current(current, "Gateway", "GatewayId")),
            AeTitle = options.AeTitle ?? Ask(output, "DICOM AE title", Current(current, "Dicom", "AeTitle") ?? "IMAGING_EDGE"),
            Port = options.Port ?? Port(Ask(output, "DICOM port", Current(current, "Dicom", "Port") ?? "11112")),
        };
        if (options.Devices.Count == 0)
        {
            var devices = Ask(output, "devices allowed to send, AE[@HOST] separated by spaces (empty: keep)", null);
            if (!string.IsNullOrWhiteSpace(devices))
                options = options with { Devices = devices.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(AllowedDevice.Parse).ToList() };
        }
        var destination = options.Destination ?? Ask(output, $"upload destination ({string.Join('|', DestinationPresets.Names)}; empty: keep)", null);
        if (!string.IsNullOrWhiteSpace(destination))
        {
            options = options with
            {
                Destination = destination,
                Bucket = options.Bucket ?? Ask(output, "bucket", Current(current, "Upload", "S3", "Bucket")),
                Region = options.Region ?? NullIfEmpty(Ask(output, "region (empty: the preset's)", null)),
                Endpoint = options.Endpoint ?? NullIfEmpty(Ask(output, "endpoint URL (empty: the preset's)", null)),
            };
            if (options.AccessKey is null)
                options = options with { AccessKey = SecretSource.StandardInput, SecretKey = SecretSource.StandardInput };
        }
        options = options with { MqttHost = options.MqttHost ?? NullIfEmpty(Ask(output, "MQTT broker host (empty: keep)", null)) };
        return options;
    }

    /// <summary>Asks for a secret without echo; the line is handed back as if read from standard input.</summary>
    public static string AskSecret(TextWriter output, string label)
    {
        output.Write($"{label}: ");
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (secret.Length > 0) secret.Length--; continue; }
            secret.Append(key.KeyChar);
        }
        output.WriteLine();
        return secret.ToString();
    }

    private static string? Ask(TextWriter output, string label, string? current)
    {
        output.Write(current is null ? $"{label}: " : $"{label} [{current}]: ");
        var answer = Console.ReadLine()?.Trim();
        return string.IsNullOrEmpty(answer) ? current : answer;
    }

    private static string? Current(JsonObject root, params string[] path)
    {
        JsonNode? node = root;
        foreach (var name in path)
            node = node is JsonObject o ? o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value : null;
        return node is JsonValue value ? value.ToString() : null;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static int? Port(string? text) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port
        : throw new UsageException($"not a port number: '{text}'");
}
