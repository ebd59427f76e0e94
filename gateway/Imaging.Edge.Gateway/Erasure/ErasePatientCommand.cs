using Imaging.Edge.Gateway.Commands;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>
/// <c>erase-patient</c> over MQTT or the control socket: args <c>patientId</c> (required), <c>issuer</c>, <c>cloud</c>,
/// <c>issuerOptional</c> (with <c>issuer</c>: also instances that name no issuer), <c>forcePlaceholder</c> (a
/// placeholder-like ID such as UNKNOWN is refused without it), <c>dryRun</c> (what would be erased; nothing changes).
/// The dispatcher writes the audit row (with <see cref="ErasureResult.AuditText"/>: counts and the keyed hash); the
/// eraser writes <c>erase.completed</c> in its own transaction. The answer never contains the patient ID or issuer.
/// </summary>
internal sealed class ErasePatientCommand(PatientEraser eraser) : IGatewayCommand
{
    public string Name => PatientEraser.Action;

    public async Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var patientId = request.RequiredString("patientId");
        var issuer = request.OptionalString("issuer");
        var cloud = request.OptionalBool("cloud");
        var issuerOptional = request.OptionalBool("issuerOptional");
        if (issuerOptional && issuer is null) throw CommandException.BadArguments("argument 'issuerOptional' needs 'issuer'");
        var erasure = new ErasureRequest(patientId, issuer, cloud, request.Actor, request.RequestId, issuerOptional, request.OptionalBool("forcePlaceholder"));
        if (request.OptionalBool("dryRun"))
        {
            var preview = eraser.Preview(erasure);
            return CommandOutcome.Success(preview.ToJson(), preview.AuditText());
        }
        if (erasure.Refusal is { } refusal) throw CommandException.BadArguments($"{refusal} (argument 'forcePlaceholder': true)");
        // While the gateway runs, files without a row in a study's folder may be instances being stored right now.
        var result = await eraser.EraseAsync(erasure, writeAudit: false, sweepUnindexedFiles: false, cancellationToken).ConfigureAwait(false);
        return result.Complete
            ? CommandOutcome.Success(result.ToJson(), result.AuditText())
            : new CommandOutcome(false, result.ToJson(), "failed", result.Problem, result.AuditText());
    }
}
