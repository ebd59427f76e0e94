using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// The answer to a command. <see cref="Result"/> goes back to the caller; <see cref="AuditResult"/> is what the audit
/// row keeps (short, no patient data). Error codes: <c>unknown-command</c>, <c>bad-arguments</c>, <c>failed</c>,
/// <c>unavailable</c>, <c>forbidden</c> (<see cref="CommandAuthorizer"/>), <c>rejected</c> (<c>reload-profiles</c>: a profile
/// with errors; the answer lists them).
/// </summary>
internal sealed record CommandOutcome(bool Ok, JsonObject? Result, string? ErrorCode, string? ErrorMessage, string AuditResult)
{
    public static CommandOutcome Success(JsonObject result, string auditResult) => new(true, result, null, null, auditResult);

    public static CommandOutcome Failure(string code, string message) => new(false, null, code, message, $"error {code}: {message}");
}
