using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Telemetry;

/// <summary>
/// Without a broker (<c>Mqtt:Host</c> empty, the embedded default) events are written to the console log and removed
/// from the outbox, so that it does not grow for ever on a box that has no telemetry.
/// </summary>
internal sealed class ConsoleEventDrain(OutboxStore outbox, EdgeConfiguration configuration, TimeProvider clock, ILogger<ConsoleEventDrain> logger) : BackgroundService
{
    private static readonly TimeSpan Pass = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Pass, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                outbox.Trim(configuration.Mqtt.OutboxMaxEvents);
                foreach (var outboxEvent in outbox.Batch())
                {
                    TelemetryLog.EventToConsole(logger, outboxEvent.Type, outboxEvent.Id, outboxEvent.Payload);
                    outbox.Delete(outboxEvent.Id);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The events stay in the outbox (deleted only after they were written): the next pass takes them.
                TelemetryLog.ConsoleDrainFailed(logger, e, e.GetType().Name);
            }
        }
    }
}
