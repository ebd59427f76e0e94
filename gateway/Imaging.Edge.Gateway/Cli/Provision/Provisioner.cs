using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Cli.Doctor;
using Imaging.Edge.Gateway.Configuration;
using Microsoft.Extensions.Configuration;

namespace Imaging.Edge.Gateway.Cli.Provision;

/// <summary>
/// <c>imaging-edge provision</c>: sets up a box in one go. Reads the secrets (standard input or files, never argv),
/// applies the settings to the configuration (<see cref="ProvisionedConfiguration"/>), validates the result as the
/// gateway will (<see cref="EdgeConfiguration"/>) before anything is written, then writes the credential files (0600)
/// and replaces the configuration atomically, keeping the previous one (<see cref="DurableFiles"/>), and runs doctor.
/// Exit 0 when written (and doctor found nothing failed), 1 when doctor found a failure, 2 for bad input.
/// </summary>
internal static class Provisioner
{
    public static async Task<int> RunAsync(ProvisionOptions options, TextReader input, TextWriter output, CancellationToken cancellationToken = default)
    {
        JsonObject root;
        try
        {
            root = await ExistingAsync(options.ConfigFile, cancellationToken);
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync(e.Problems[0]);
            return ExitCodes.BadInput;
        }
        if (options.Interactive)
            options = ProvisionPrompts.Ask(options, root, output);
        var secrets = await SecretsAsync(options, input, output);
        ProvisionedConfiguration.Apply(root, options);
        var content = Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        try
        {
            using var stream = new MemoryStream(content);
            EdgeConfiguration.FromRoot(new ConfigurationBuilder().AddJsonStream(stream).Build());
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"not written: the result would be an {e.Message}");
            return ExitCodes.BadInput;
        }

        foreach (var (name, secret) in secrets)
            DurableFiles.WriteSecret(options.CredentialsDirectory, name, secret);
        if (secrets.Count > 0)
            await output.WriteLineAsync($"wrote {string.Join(", ", secrets.Keys)} to {options.CredentialsDirectory} (mode 0600)");
        var backup = DurableFiles.ReplaceWithBackup(options.ConfigFile, content);
        await output.WriteLineAsync($"wrote {options.ConfigFile}{(backup is null ? "" : $" (the previous one is kept as {backup})")}");
        if (options.NoDoctor)
            return ExitCodes.Success;
        await output.WriteLineAsync();
        return await DoctorChecklist.RunAsync(new DoctorOptions(options.ConfigFile, Json: false, options.CredentialsDirectory), output, cancellationToken);
    }

    /// <summary>The configuration as the file has it, or the packaged defaults when there is none.</summary>
    private static async Task<JsonObject> ExistingAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
            return ProvisionedConfiguration.Fresh();
        try
        {
            return JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new ConfigurationException($"{file}: not a JSON object: fix or remove it first");
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{file}: not valid JSON ({e.Message}): fix or remove it first");
        }
    }

    /// <summary>
    /// The secrets to write, by credential name. From standard input one line each, in this order: access key, secret
    /// key, MQTT password (only those given as <c>-</c>); on a terminal each is asked for without echo.
    /// </summary>
    private static async Task<Dictionary<string, string>> SecretsAsync(ProvisionOptions options, TextReader input, TextWriter output)
    {
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, source) in new[] { ("primary-access-key", options.AccessKey), ("primary-secret-key", options.SecretKey), ("mqtt-password", options.MqttPassword) })
        {
            if (source is null) continue;
            var secret = !source.FromStandardInput ? await File.ReadAllTextAsync(source.File!)
                : options.Interactive ? ProvisionPrompts.AskSecret(output, name)
                : await input.ReadLineAsync();
            secret = secret?.Trim();
            if (string.IsNullOrEmpty(secret))
                throw new UsageException($"{name}: {(source.FromStandardInput ? "no value given (standard input: one line each, access key, secret key, MQTT password)" : $"{source.File} is empty")}");
            secrets[name] = secret;
        }
        return secrets;
    }
}
