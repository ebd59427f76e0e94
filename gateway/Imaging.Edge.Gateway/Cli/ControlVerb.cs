using System.CommandLine;
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

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var name = new Argument<string>("NAME")
        {
            Description = "The command: ping, status, retry-failed, pause-uploads, resume-uploads, resend-study, reload-profiles, " +
                          "erase-patient (root and the service user only).",
        };
        var pairs = new Argument<string[]>("key=value")
        {
            Description = "The command's arguments, e.g. study=PSEUDONYM for resend-study.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("control",
            "Give the running gateway an operator command through its local control socket (the same commands as MQTT, " +
            "audited as your user) and print its JSON answer. Exit 1 on an error answer, 2 for an unknown command or bad " +
            "arguments, 3 when no gateway is running.")
        {
            name,
            pairs,
            config,
        };
        command.SetAction((parse, cancellationToken) =>
            ExecuteAsync(parse.GetRequiredValue(name), parse.GetValue(pairs) ?? [], parse.GetValue(config), cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(string name, IReadOnlyList<string> pairs, string? configFile, CancellationToken cancellationToken)
    {
        var commandArgs = new JsonObject();
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new UsageException($"command arguments are key=value (got '{pair}')");
            commandArgs[pair[..equals]] = pair[(equals + 1)..];
        }
        if (await CliConfiguration.TryLoadAsync(configFile) is not { } configuration)
            return ExitCodes.BadInput;
        var dataDir = Path.GetFullPath(configuration.Gateway.DataDir);
        var answer = await ControlClient.TrySendAsync(dataDir, name, commandArgs, Timeout, cancellationToken);
        if (answer is null)
        {
            await Console.Error.WriteLineAsync($"no gateway is running on {dataDir} (no answer on {ControlProtocol.SocketPath(dataDir)})");
            return ExitCodes.NotReachable;
        }
        Console.WriteLine(answer.ToJsonString(Indented));
        return answer["ok"]?.GetValue<bool>() == true ? ExitCodes.Success
            : answer["error"]?["code"]?.GetValue<string>() == "bad-arguments" || answer["error"]?["code"]?.GetValue<string>() == "unknown-command" ? ExitCodes.BadInput
            : ExitCodes.Failure;
    }
}
