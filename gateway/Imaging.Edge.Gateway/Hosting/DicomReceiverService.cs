using Imaging.Edge.Dicom.Network;
using Microsoft.Extensions.Hosting;

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>
/// Runs the DICOM receiver for the lifetime of the host. It opens its port only after <see cref="StartupRecovery"/>
/// (every service's StartingAsync precedes every StartAsync). A port that cannot be bound stops start-up.
/// </summary>
internal sealed class DicomReceiverService(DicomServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync();
}
