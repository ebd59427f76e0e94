namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// Where a secret the gateway needs is found, as the gateway finds it (<see cref="Upload.SecretFiles"/>,
/// <see cref="Privacy.SiteSecret"/>): the file the configuration names; else the systemd credential of that name, in
/// <c>$CREDENTIALS_DIRECTORY</c> when systemd started us, else where the unit's <c>LoadCredential=</c> reads it from
/// (<see cref="DefaultDirectory"/>, written by <c>provision</c>).
/// </summary>
internal static class CredentialFiles
{
    public const string DefaultDirectory = "/etc/imaging-edge/credentials";

    /// <summary>The secret's file, and whether it is a systemd credential (read by systemd as root, not by the service user).</summary>
    public static (string Path, bool SystemdCredential) Locate(string? configuredFile, string credentialName, string? credentialsDirectory)
    {
        if (!string.IsNullOrEmpty(configuredFile))
            return (configuredFile, false);
        var directory = credentialsDirectory
            ?? (Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } systemd ? systemd : DefaultDirectory);
        return (Path.Combine(directory, credentialName), true);
    }

    /// <summary>The secret, trimmed; throws <see cref="InvalidOperationException"/> naming the file (never the secret) when it cannot be read or is empty.</summary>
    public static string Read(string? configuredFile, string credentialName, string? credentialsDirectory)
    {
        var (path, _) = Locate(configuredFile, credentialName, credentialsDirectory);
        string secret;
        try
        {
            secret = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{credentialName} ({path}) cannot be read: {e.GetType().Name}");
        }
        return secret.Length > 0 ? secret : throw new InvalidOperationException($"{credentialName} ({path}) is empty");
    }
}
