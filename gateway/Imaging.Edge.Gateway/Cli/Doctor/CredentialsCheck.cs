using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Privacy;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// Every secret and key file the configuration needs is there, not empty, and readable by whoever reads it: a file
/// the configuration names is read by the service user; a systemd credential is read by systemd (root) and should be
/// 0600. Names files, never their content.
/// </summary>
internal static class CredentialsCheck
{
    public const string Name = "credentials";

    private const UnixFileMode Loose = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    public static CheckResult Run(EdgeConfiguration configuration, string? credentialsDirectory, ServiceUser? serviceUser)
    {
        var needed = Needed(configuration).ToList();
        var problems = new List<string>();
        var loose = new List<string>();
        var found = new List<string>();
        foreach (var (credential, configured, optional) in needed)
        {
            var (path, systemd) = CredentialFiles.Locate(configured, credential ?? "", credentialsDirectory);
            if (!File.Exists(path))
            {
                if (!optional) problems.Add($"{credential ?? path}: no file {path}");
                continue;
            }
            if (new FileInfo(path).Length == 0)
            {
                problems.Add($"{credential ?? path}: {path} is empty");
                continue;
            }
            if (!systemd && serviceUser is not null && !serviceUser.May(path, write: false))
            {
                problems.Add($"{credential ?? path}: {path} is not readable by the service user {serviceUser.Name}");
                continue;
            }
            if (!CanRead(path))
            {
                problems.Add($"{credential ?? path}: {path} cannot be read by doctor (run it with sudo)");
                continue;
            }
            if (credential is not null && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & Loose) != 0)
                loose.Add(path);
            found.Add(credential ?? Path.GetFileName(path));
        }
        if (problems.Count > 0)
            return CheckResult.Fail(Name, string.Join("; ", problems),
                "write the missing secrets with imaging-edge provision (--access-key - --secret-key - read standard input), or fix the file names in the configuration");
        if (loose.Count > 0)
            return CheckResult.Warn(Name, $"{string.Join(", ", found)} present, but readable by others: {string.Join(", ", loose)}", "chmod 600 those files");
        return found.Count == 0
            ? CheckResult.Ok(Name, "no secrets needed (no S3, no MQTT password or TLS files); the site secret is generated in the data folder")
            : CheckResult.Ok(Name, $"{string.Join(", ", found)} present and readable");
    }

    /// <summary>(systemd credential name or null for a plain file, the file the configuration names, whether it may be absent).</summary>
    private static IEnumerable<(string? Credential, string? Configured, bool Optional)> Needed(EdgeConfiguration configuration)
    {
        var upload = configuration.Upload;
        if (upload.Destination == "s3" && upload.S3 is { } primary)
        {
            yield return ("primary-access-key", primary.AccessKeyFile, false);
            yield return ("primary-secret-key", primary.SecretKeyFile, false);
        }
        if (upload.BackupS3 is { } backup)
        {
            yield return ("backup-access-key", backup.AccessKeyFile, false);
            yield return ("backup-secret-key", backup.SecretKeyFile, false);
        }
        var mqtt = configuration.Mqtt;
        if (mqtt.Enabled && !string.IsNullOrEmpty(mqtt.Username))
            yield return ("mqtt-password", mqtt.PasswordFile, false);
        if (mqtt.Enabled && mqtt.UseTls)
        {
            foreach (var file in new[] { mqtt.CaFile, mqtt.ClientCertificateFile, mqtt.ClientKeyFile })
                if (!string.IsNullOrEmpty(file)) yield return (null, file, false);
        }
        // Without a site secret file or credential the gateway generates one in the data folder: nothing is missing.
        yield return (SiteSecret.CredentialName, configuration.Gateway.SiteSecretFile, string.IsNullOrEmpty(configuration.Gateway.SiteSecretFile));
    }

    private static bool CanRead(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
