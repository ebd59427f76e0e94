using System.Text.Json;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// Runs a command by name for MQTT and the control socket alike: <see cref="CommandAuthorizer"/> decides whether the
/// caller may and what actor is recorded; unknown names, refusals and bad arguments are answered, never ignored, and
/// every call — successful or not — is written to the audit table together with a <c>command.executed</c> event, in
/// one transaction. Does not throw for a command's failure.
/// </summary>
internal sealed class CommandDispatcher
{
    private readonly Dictionary<string, IGatewayCommand> _commands;
    private readonly OperatorActions _actions;
    private readonly CommandAuthorizer _authorizer;
    private readonly ILogger<CommandDispatcher> _logger;

    public CommandDispatcher(IEnumerable<IGatewayCommand> commands, OperatorActions actions, CommandAuthorizer authorizer, ILogger<CommandDispatcher> logger)
    {
        _commands = commands.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _actions = actions;
        _authorizer = authorizer;
        _logger = logger;
    }

    /// <param name="caller">Who asks, as the transport could tell (the kernel's user, an MQTT claim and signature).</param>
    public async Task<CommandOutcome> ExecuteAsync(CommandRequest request, CommandCaller caller, CancellationToken cancellationToken)
    {
        CommandOutcome outcome;
        var command = _commands.GetValueOrDefault(request.Name);
        var authorization = _authorizer.Authorize(command, request, caller);
        request = request with { Actor = authorization.Actor };
        if (command is null)
        {
            outcome = CommandOutcome.Failure("unknown-command", $"unknown command '{Printable(request.Name)}'; known: {string.Join(", ", _commands.Keys.Order(StringComparer.Ordinal))}");
        }
        else if (authorization.Refusal is { } refusal)
        {
            CommandLog.Refused(_logger, request.Name, request.RequestId, request.Actor, refusal.ErrorMessage!);
            outcome = refusal;
        }
        else
        {
            try
            {
                outcome = await command.ExecuteAsync(request, cancellationToken);
            }
            catch (CommandException e)
            {
                outcome = CommandOutcome.Failure(e.Code, e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
            {
                // The exception's text may name files (study UIDs); the caller gets its kind, the journal the detail.
                CommandLog.Failed(_logger, request.Name, request.RequestId, e);
                outcome = CommandOutcome.Failure("failed", $"{request.Name} failed ({Privacy.Outbound.ErrorText(e)}); see the gateway's journal");
            }
        }
        var action = command is null ? "unknown-command" : request.Name;
        _actions.Audit(request.Actor, action, request.RequestId, outcome.AuditResult,
            (QueueEvents.CommandExecuted, QueueEvents.Payload(("command", action), ("requestId", request.RequestId), ("actor", request.Actor), ("ok", outcome.Ok))));
        CommandLog.Executed(_logger, action, request.RequestId, request.Actor, outcome.Ok);
        return outcome;
    }

    /// <summary>A name from the wire, shortened and stripped of control characters before it is echoed.</summary>
    internal static string Printable(string value)
    {
        var cleaned = new string(value.Where(c => !char.IsControl(c)).Take(64).ToArray());
        return JsonEncodedText.Encode(cleaned).ToString();
    }
}
