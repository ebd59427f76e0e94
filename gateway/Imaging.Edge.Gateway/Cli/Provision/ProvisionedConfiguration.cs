using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Cli.Provision;

/// <summary>
/// Applies what provision was given to the configuration's JSON, leaving every other key as the file had it. Keys
/// are matched without regard to case, as the configuration reader matches them. Secrets are not in here: the
/// gateway reads them from its credential files, so key-file settings that would override those are removed.
/// </summary>
internal static class ProvisionedConfiguration
{
    /// <summary>The packaged defaults for a box that has no configuration file yet.</summary>
    public static JsonObject Fresh() => new()
    {
        ["Gateway"] = new JsonObject { ["DataDir"] = "/var/lib/imaging-edge" },
        ["Dicom"] = new JsonObject { ["AllowUnknownCallers"] = false },
        ["Retention"] = new JsonObject { ["ReserveMegabytes"] = 2048 },
    };

    public static void Apply(JsonObject root, ProvisionOptions options)
    {
        var gateway = Section(root, "Gateway");
        Set(gateway, "SiteId", options.Site);
        Set(gateway, "GatewayId", options.GatewayId);
        Set(gateway, "DataDir", options.DataDir);

        var dicom = Section(root, "Dicom");
        Set(dicom, "AeTitle", options.AeTitle);
        Set(dicom, "Port", options.Port);
        Set(dicom, "BindAddress", options.BindAddress);
        if (options.Devices.Count > 0)
        {
            var devices = new JsonArray();
            foreach (var device in options.Devices)
            {
                var entry = new JsonObject { ["AeTitle"] = device.AeTitle };
                if (device.Host is not null) entry["Host"] = device.Host;
                devices.Add(entry);
            }
            Set(dicom, "Devices", devices);
            Set(dicom, "AllowUnknownCallers", false); // the list is the allow-list
        }

        ApplyUpload(Section(root, "Upload"), options);
        ApplyMqtt(root, options);
    }

    private static void ApplyUpload(JsonObject upload, ProvisionOptions options)
    {
        JsonObject s3;
        if (options.Destination is { } destination)
        {
            var endpoint = DestinationPresets.Resolve(destination, options.Region, options.Endpoint, options.PathStyle);
            Set(upload, "Destination", "s3");
            s3 = Section(upload, "S3");
            Set(s3, "ServiceUrl", endpoint.ServiceUrl);
            Set(s3, "Region", endpoint.Region);
            Set(s3, "PathStyle", endpoint.PathStyle);
        }
        else if (options.Bucket is not null || options.Region is not null || options.Endpoint is not null || options.PathStyle is not null)
        {
            s3 = Section(upload, "S3");
            Set(s3, "ServiceUrl", options.Endpoint);
            Set(s3, "Region", options.Region);
            Set(s3, "PathStyle", options.PathStyle);
        }
        else
        {
            if (options.AccessKey is not null || options.SecretKey is not null)
                RemoveKeyFiles(Section(upload, "S3"), options);
            return;
        }
        Set(s3, "Bucket", options.Bucket);
        RemoveKeyFiles(s3, options);
    }

    /// <summary>Keys written to the credential files are read from there only when the configuration names no other file.</summary>
    private static void RemoveKeyFiles(JsonObject s3, ProvisionOptions options)
    {
        if (options.AccessKey is not null) Remove(s3, "AccessKeyFile");
        if (options.SecretKey is not null) Remove(s3, "SecretKeyFile");
    }

    private static void ApplyMqtt(JsonObject root, ProvisionOptions options)
    {
        if (options is { MqttHost: null, MqttPort: null, MqttTls: null, MqttCaFile: null, MqttCertificateFile: null, MqttKeyFile: null, MqttUsername: null, MqttPassword: null })
            return;
        var mqtt = Section(root, "Mqtt");
        Set(mqtt, "Host", options.MqttHost);
        Set(mqtt, "Port", options.MqttPort ?? (options.MqttTls == true && Find(mqtt, "Port") is null ? 8883 : null));
        Set(mqtt, "UseTls", options.MqttTls);
        Set(mqtt, "CaFile", options.MqttCaFile);
        Set(mqtt, "ClientCertificateFile", options.MqttCertificateFile);
        Set(mqtt, "ClientKeyFile", options.MqttKeyFile);
        Set(mqtt, "Username", options.MqttUsername);
        if (options.MqttPassword is not null) Remove(mqtt, "PasswordFile");
    }

    private static string? Find(JsonObject parent, string name) =>
        parent.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));

    private static JsonObject Section(JsonObject parent, string name)
    {
        if (Find(parent, name) is { } key && parent[key] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[Find(parent, name) ?? name] = created;
        return created;
    }

    private static void Set(JsonObject parent, string name, JsonNode? value)
    {
        if (value is null) return;
        parent[Find(parent, name) ?? name] = value;
    }

    private static void Set(JsonObject parent, string name, string? value) => Set(parent, name, value is null ? null : JsonValue.Create(value));

    private static void Set(JsonObject parent, string name, int? value) => Set(parent, name, value is null ? null : JsonValue.Create(value.Value));

    private static void Set(JsonObject parent, string name, bool? value) => Set(parent, name, value is null ? null : JsonValue.Create(value.Value));

    private static void Remove(JsonObject parent, string name)
    {
        if (Find(parent, name) is { } key) parent.Remove(key);
    }
}
