namespace Imaging.Edge.Gateway.Upload;

/// <summary>Secrets come from a file named in the configuration or from a systemd credential; never from the JSON, never logged.</summary>
internal static class SecretFiles
{
    public static string Read(string? file, string credentialName)
    {
        var path = !string.IsNullOrEmpty(file)
            ? file
            : Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } credentials
                ? Path.Combine(credentials, credentialName)
                : throw new InvalidOperationException($"no file and no systemd credential '{credentialName}' for a secret");
        try
        {
            var secret = File.ReadAllText(path).Trim();
            return secret.Length > 0 ? secret : throw new InvalidOperationException($"the secret file for '{credentialName}' is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"the secret '{credentialName}' cannot be read: {e.Message}");
        }
    }
}
