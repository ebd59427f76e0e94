using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Imaging.Edge.Gateway.Recovery;

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>
/// The first step of every start: the data folder and the queue are put back in agreement (<see cref="QueueRecovery"/>)
/// before anything listens or uploads. It runs in <see cref="StartingAsync"/>, which the host calls for every service
/// before it calls any <c>StartAsync</c>: the order is the host's rule, not the order of registration.
/// </summary>
internal sealed class StartupRecovery(QueueRecovery recovery, QueueQueries queue, ILogger<StartupRecovery> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        recovery.Run();
        var stats = queue.Stats();
        QueueLog.Ready(logger, Migrations.All.Count, stats.Pending, stats.Failed);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
