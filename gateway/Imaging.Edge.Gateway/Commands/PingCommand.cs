using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Health;

namespace Imaging.Edge.Gateway.Commands;

/// <summary><c>ping</c>: is the gateway there and answering? Replies with its version and uptime.</summary>
internal sealed class PingCommand(TimeProvider clock) : IGatewayCommand
{
    private readonly DateTimeOffset _started = clock.GetUtcNow();

    public string Name => "ping";

    public bool Destructive => false;

    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(CommandOutcome.Success(new JsonObject
        {
            ["pong"] = true,
            ["version"] = StatusReader.Version,
            ["uptimeSeconds"] = (long)(clock.GetUtcNow() - _started).TotalSeconds,
        }, "pong"));
}
