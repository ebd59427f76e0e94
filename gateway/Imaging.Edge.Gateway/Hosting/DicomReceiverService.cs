using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>
/// Runs the DICOM receiver for the lifetime of the host. The queue is recovered before the port opens, so nothing
/// is accepted while the data folder and the queue disagree. A port that cannot be bound stops start-up.
/// </summary>
internal sealed class DicomReceiverService(DicomServer server, QueueRecovery recovery, InstanceQueue queue, ILogger<DicomReceiverService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recovery.Run();
        var stats = queue.Stats();
        QueueLog.Ready(logger, Migrations.All.Count, stats.Pending, stats.Failed);
        server.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync();
}
