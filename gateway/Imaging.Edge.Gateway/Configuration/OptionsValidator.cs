using System.Net;
using System.Text.RegularExpressions;

namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Checks bound options; each problem is "Section:Key: what is wrong (was value)".</summary>
internal static partial class OptionsValidator
{
    public static void Validate(EdgeConfiguration configuration, List<string> problems)
    {
        var gateway = configuration.Gateway;
        if (string.IsNullOrWhiteSpace(gateway.DataDir))
            problems.Add("Gateway:DataDir: must not be empty");
        if (!IsIdentifier(gateway.SiteId))
            problems.Add($"Gateway:SiteId: must be 1-64 letters, digits, '-' or '_' (was '{gateway.SiteId}')");
        if (!IsIdentifier(gateway.GatewayId))
            problems.Add($"Gateway:GatewayId: must be 1-64 letters, digits, '-' or '_' (was '{gateway.GatewayId}')");

        var dicom = configuration.Dicom;
        if (!IsAeTitle(dicom.AeTitle))
            problems.Add($"Dicom:AeTitle: must be 1-16 characters of printable ASCII without '\\' and not only spaces (was '{dicom.AeTitle}')");
        if (dicom.Port == 0 && dicom.Tls.Enabled)
        {
            // TLS only: no plain listener.
        }
        else if (dicom.Port is < 1 or > 65535)
            problems.Add($"Dicom:Port: must be between 1 and 65535 (was {dicom.Port})"); // 0 is allowed with Dicom:Tls:Port (TLS only)
        DicomTlsOptionsValidator.Validate(dicom, problems);
        if (!IPAddress.TryParse(dicom.BindAddress, out _))
            problems.Add($"Dicom:BindAddress: not an IP address (was '{dicom.BindAddress}')");
        if (dicom.MaxAssociations is < 1 or > 1024)
            problems.Add($"Dicom:MaxAssociations: must be between 1 and 1024 (was {dicom.MaxAssociations})");
        if (dicom.MaxConnectionsPerAddress is { } perAddress && (perAddress < 1 || perAddress > dicom.MaxAssociations))
            problems.Add($"Dicom:MaxConnectionsPerAddress: must be between 1 and Dicom:MaxAssociations ({dicom.MaxAssociations}) (was {perAddress})");
        if (dicom.MinimumBytesPerSecond is < 1 or > 100 * 1024 * 1024)
            problems.Add($"Dicom:MinimumBytesPerSecond: must be between 1 and 104857600 (was {dicom.MinimumBytesPerSecond})");
        if (dicom.MaxInstanceMegabytes is < 0 or > 1024 * 1024)
            problems.Add($"Dicom:MaxInstanceMegabytes: must be between 0 (no limit) and 1048576 (was {dicom.MaxInstanceMegabytes})");
        if (dicom.MaxPduLength is < 4096 or > 4 * 1024 * 1024)
            problems.Add($"Dicom:MaxPduLength: must be between 4096 and 4194304 bytes (was {dicom.MaxPduLength})");
        if (dicom.ArtimTimeoutSeconds is < 1 or > 3600)
            problems.Add($"Dicom:ArtimTimeoutSeconds: must be between 1 and 3600 (was {dicom.ArtimTimeoutSeconds})");
        if (dicom.DimseTimeoutSeconds is < 1 or > 86400)
            problems.Add($"Dicom:DimseTimeoutSeconds: must be between 1 and 86400 (was {dicom.DimseTimeoutSeconds})");
        for (var i = 0; i < dicom.Devices.Count; i++)
        {
            var device = dicom.Devices[i];
            if (!IsAeTitle(device.AeTitle))
                problems.Add($"Dicom:Devices:{i}:AeTitle: must be 1-16 characters of printable ASCII without '\\' (was '{device.AeTitle}')");
            if (device.Host is not null && !IPAddress.TryParse(device.Host, out _))
                problems.Add($"Dicom:Devices:{i}:Host: not an IP address (was '{device.Host}')");
            if (!Enum.TryParse<Dicom.Dimse.DimsePriority>(device.Priority, ignoreCase: true, out _))
                problems.Add($"Dicom:Devices:{i}:Priority: must be Low, Medium or High (was '{device.Priority}')");
        }
        for (var i = 0; i < dicom.PrivateSopClasses.Count; i++)
        {
            if (!IsUid(dicom.PrivateSopClasses[i]))
                problems.Add($"Dicom:PrivateSopClasses:{i}: not a UID (was '{dicom.PrivateSopClasses[i]}')");
        }

        if (configuration.Queue.StableStudySeconds is < 1 or > 86400)
            problems.Add($"Queue:StableStudySeconds: must be between 1 and 86400 (was {configuration.Queue.StableStudySeconds})");
        UploadOptionsValidator.Validate(configuration.Upload, problems);
        var retention = configuration.Retention;
        if (retention.ReserveMegabytes < 0)
            problems.Add($"Retention:ReserveMegabytes: must not be negative (was {retention.ReserveMegabytes})");
        if (retention.KeepUploadedDays is < 0 or > 36500)
            problems.Add($"Retention:KeepUploadedDays: must be between 0 (delete once verified) and 36500 (was {retention.KeepUploadedDays})");
        if (retention.HighWaterPercent is < 1 or > 99)
            problems.Add($"Retention:HighWaterPercent: must be between 1 and 99 (was {retention.HighWaterPercent})");
        if (retention.LogRetentionDays is < 1 or > 36500)
            problems.Add($"Retention:LogRetentionDays: must be between 1 and 36500 (was {retention.LogRetentionDays})");
        if (retention.SweepIntervalSeconds is < 1 or > 86400)
            problems.Add($"Retention:SweepIntervalSeconds: must be between 1 and 86400 (was {retention.SweepIntervalSeconds})");

        var mqtt = configuration.Mqtt;
        if (mqtt.Port is < 1 or > 65535)
            problems.Add($"Mqtt:Port: must be between 1 and 65535 (was {mqtt.Port})");
        if (mqtt.HeartbeatSeconds is < 1 or > 3600)
            problems.Add($"Mqtt:HeartbeatSeconds: must be between 1 and 3600 (was {mqtt.HeartbeatSeconds})");
        if (string.IsNullOrWhiteSpace(mqtt.TopicPrefix) || mqtt.TopicPrefix.Contains('#', StringComparison.Ordinal) || mqtt.TopicPrefix.Contains('+', StringComparison.Ordinal))
            problems.Add($"Mqtt:TopicPrefix: must be a topic without wildcards (was '{mqtt.TopicPrefix}')");
        if (mqtt.SessionExpirySeconds < 0)
            problems.Add($"Mqtt:SessionExpirySeconds: must not be negative (was {mqtt.SessionExpirySeconds})");
        if (mqtt.OutboxMaxEvents < 100)
            problems.Add($"Mqtt:OutboxMaxEvents: must be at least 100 (was {mqtt.OutboxMaxEvents})");
        if (string.IsNullOrEmpty(mqtt.ClientCertificateFile) != string.IsNullOrEmpty(mqtt.ClientKeyFile))
            problems.Add("Mqtt:ClientCertificateFile and Mqtt:ClientKeyFile: give both or neither");
        if (!mqtt.UseTls && (!string.IsNullOrEmpty(mqtt.CaFile) || !string.IsNullOrEmpty(mqtt.ClientCertificateFile)))
            problems.Add("Mqtt:UseTls: must be true when a CA file or a client certificate is given");
        foreach (var (key, file) in new[] { ("CaFile", mqtt.CaFile), ("ClientCertificateFile", mqtt.ClientCertificateFile), ("ClientKeyFile", mqtt.ClientKeyFile), ("PasswordFile", mqtt.PasswordFile) })
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
                problems.Add($"Mqtt:{key}: file not found ({file})");
        MqttCommandOptionsValidator.Validate(mqtt.Commands, problems);
        SerialOptionsValidator.Validate(configuration.Serial, problems);
    }

    /// <summary>PS3.5 §6.2 AE: up to 16 characters of the default repertoire, no backslash or control characters, not all spaces.</summary>
    public static bool IsAeTitle(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 16 && value.All(c => c is >= ' ' and <= '~' and not '\\');

    /// <summary>PS3.5 §9.1: digits and dots, at most 64 characters, no empty or zero-led components.</summary>
    public static bool IsUid(string? value) => value is { Length: > 0 and <= 64 } && UidPattern().IsMatch(value);

    public static bool IsIdentifier(string? value) => value is { Length: > 0 and <= 64 } && IdentifierPattern().IsMatch(value);

    [GeneratedRegex(@"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")]
    private static partial Regex UidPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+$")]
    private static partial Regex IdentifierPattern();
}
