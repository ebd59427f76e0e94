using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Intake;
using Microsoft.Extensions.Hosting;

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>Runs the DICOM receiver for the lifetime of the host. A port that cannot be bound stops start-up.</summary>
internal sealed class DicomReceiverService(DicomServer server, SpoolIntake intake, DataLayout layout) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        layout.EnsureCreated();
        intake.RemoveAbandonedSpoolFiles();
        server.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync();
}
