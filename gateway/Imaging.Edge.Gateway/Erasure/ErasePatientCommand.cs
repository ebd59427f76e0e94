using Imaging.Edge.Gateway.Commands;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>
/// <c>erase-patient</c> over MQTT or the control socket: args <c>patientId</c> (required), <c>issuer</c>, <c>cloud</c>.
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
        // While the gateway runs, files without a row in a study's folder may be instances being stored right now.
        var result = await eraser.EraseAsync(new ErasureRequest(patientId, issuer, cloud, request.Actor, request.RequestId),
            writeAudit: false, sweepUnindexedFiles: false, cancellationToken).ConfigureAwait(false);
        return result.Complete
            ? CommandOutcome.Success(result.ToJson(), result.AuditText())
            : new CommandOutcome(false, result.ToJson(), "failed", result.Problem, result.AuditText());
    }
}
