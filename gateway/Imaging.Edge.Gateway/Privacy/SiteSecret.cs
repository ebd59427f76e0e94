using System.Security.Cryptography;
using Imaging.Edge.CloudSync.Stores;

namespace Imaging.Edge.Gateway.Privacy;

/// <summary>
/// The site secret keys the pseudonyms. It comes from, in order: the file named by <c>Gateway:SiteSecretFile</c>,
/// a systemd credential <c>site-secret</c> (<c>$CREDENTIALS_DIRECTORY</c>), or a secret generated at first start
/// and kept in the data folder (mode 0600). Never logged.
/// </summary>
internal static class SiteSecret
{
    public const string CredentialName = "site-secret";
    private const int GeneratedBytes = 32;
    private const int MinimumBytes = 16;

    public static byte[] Load(string? configuredFile, string dataDir)
    {
        if (!string.IsNullOrEmpty(configuredFile))
            return Read(configuredFile, "Gateway:SiteSecretFile");
        var credentials = Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY");
        if (!string.IsNullOrEmpty(credentials) && File.Exists(Path.Combine(credentials, CredentialName)))
            return Read(Path.Combine(credentials, CredentialName), "systemd credential " + CredentialName);

        var generated = Path.Combine(dataDir, CredentialName);
        if (File.Exists(generated))
            return Read(generated, generated);
        var secret = RandomNumberGenerator.GetBytes(GeneratedBytes);
        var temporary = generated + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            // Readable by the service alone, set before the secret is written.
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            stream.Write(secret);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, generated, overwrite: false);
        DirectorySync.Sync(dataDir);
        return secret;
    }

    private static byte[] Read(string path, string source)
    {
        byte[] secret;
        try
        {
            secret = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"site secret ({source}) cannot be read: {e.Message}");
        }
        if (secret.Length < MinimumBytes)
            throw new InvalidOperationException($"site secret ({source}) must hold at least {MinimumBytes} bytes");
        return secret;
    }
}
