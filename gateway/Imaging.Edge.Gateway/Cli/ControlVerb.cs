using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Control;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>imaging-edge control NAME [key=value ...] [--config FILE]</c>: gives the running gateway one of its operator
/// commands through the local control socket (the same commands as MQTT; audited as the local user).
/// </summary>
internal static class ControlVerb
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var arguments = Arguments.Parse(args, valued: new HashSet<string> { "config" }, flags: new HashSet<string>());
        if (arguments.Positional.Count == 0)
            throw new UsageException("control needs a command name, e.g. 'control ping'");
        var name = arguments.Positional[0];
        var commandArgs = new JsonObject();
        foreach (var pair in arguments.Positional.Skip(1))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new UsageException($"command arguments are key=value (got '{pair}')");
            commandArgs[pair[..equals]] = pair[(equals + 1)..];
        }
        if (await CliConfiguration.TryLoadAsync(arguments.Option("config")) is not { } configuration)
            return ExitCodes.BadInput;
        var dataDir = Path.GetFullPath(configuration.Gateway.DataDir);
        var answer = await ControlClient.TrySendAsync(dataDir, name, commandArgs, Timeout, cancellationToken);
        if (answer is null)
        {
            await Console.Error.WriteLineAsync($"no gateway is running on {dataDir} (no answer on {ControlProtocol.SocketPath(dataDir)})");
            return ExitCodes.Failure;
        }
        Console.WriteLine(answer.ToJsonString(Indented));
        return answer["ok"]?.GetValue<bool>() == true ? ExitCodes.Success
            : answer["error"]?["code"]?.GetValue<string>() == "bad-arguments" || answer["error"]?["code"]?.GetValue<string>() == "unknown-command" ? ExitCodes.BadInput
            : ExitCodes.Failure;
    }
}
