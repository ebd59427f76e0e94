using System.Text.RegularExpressions;

namespace Imaging.Edge.Gateway.Configuration;

/// <summary>
/// Checks <c>Mqtt:Commands</c>. The keys themselves are parsed when the gateway starts (<c>Commands/OperatorKeys</c>):
/// a command-line tool that only loads the configuration need not be able to read them.
/// </summary>
internal static partial class MqttCommandOptionsValidator
{
    public static void Validate(MqttCommandOptions commands, List<string> problems)
    {
        if (commands.MaxClockSkewSeconds is < 10 or > 3600)
            problems.Add($"Mqtt:Commands:MaxClockSkewSeconds: must be between 10 and 3600 (was {commands.MaxClockSkewSeconds})");
        if (commands.AllowDestructive && commands.Operators.Count == 0)
            problems.Add("Mqtt:Commands:AllowDestructive: true needs at least one entry in Mqtt:Commands:Operators (every destructive request must be signed by one)");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < commands.Operators.Count; i++)
        {
            var entry = commands.Operators[i];
            var key = $"Mqtt:Commands:Operators:{i}";
            if (!NamePattern().IsMatch(entry.Name))
                problems.Add($"{key}:Name: must be 1-64 letters, digits, '.', '-' or '_' (was '{entry.Name}')");
            else if (!names.Add(entry.Name))
                problems.Add($"{key}:Name: '{entry.Name}' is named twice (names are compared without case)");
            var inline = !string.IsNullOrWhiteSpace(entry.PublicKey);
            var file = !string.IsNullOrWhiteSpace(entry.PublicKeyFile);
            if (inline == file)
                problems.Add($"{key}: give exactly one of PublicKey and PublicKeyFile");
            else if (file && !File.Exists(entry.PublicKeyFile))
                problems.Add($"{key}:PublicKeyFile: file not found ({entry.PublicKeyFile})");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
