using System.Globalization;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Commands;

/// <summary><c>retry-failed</c>: every failed instance goes back to pending (after the cause was fixed, e.g. a bucket policy).</summary>
internal sealed class RetryFailedCommand(OperatorActions actions) : IGatewayCommand
{
    public string Name => "retry-failed";

    public bool Destructive => false;

    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var retried = actions.RetryFailed(null).Count;
        return Task.FromResult(CommandOutcome.Success(new JsonObject { ["retried"] = retried },
            string.Create(CultureInfo.InvariantCulture, $"{retried} instances back to pending")));
    }
}
