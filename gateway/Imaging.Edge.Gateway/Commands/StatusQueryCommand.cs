using Imaging.Edge.Gateway.Health;

namespace Imaging.Edge.Gateway.Commands;

/// <summary><c>status</c>: the same status the gateway publishes, on request.</summary>
internal sealed class StatusQueryCommand(StatusReader status) : IGatewayCommand
{
    public string Name => "status";

    public bool Destructive => false;

    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var current = status.Read();
        return Task.FromResult(CommandOutcome.Success(StatusJson.ToJson(current), current.State));
    }
}
