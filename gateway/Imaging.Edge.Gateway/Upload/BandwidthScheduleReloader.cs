using Imaging.Edge.CloudSync.Throttling;
using Imaging.Edge.Gateway.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// Applies a changed bandwidth schedule when the configuration file changes, without a restart. A schedule that
/// does not validate is ignored (the one in force stays) and logged.
/// </summary>
internal sealed partial class BandwidthScheduleReloader(EdgeConfiguration configuration, BandwidthLimiter limiter, ILogger<BandwidthScheduleReloader> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = ChangeToken.OnChange(configuration.Root.GetReloadToken, Reload);
        return Task.CompletedTask;
    }

    private void Reload()
    {
        var upload = new UploadOptions();
        configuration.Root.GetSection(UploadOptions.Section).Bind(upload);
        var problems = new List<string>();
        UploadOptionsValidator.Validate(upload, problems);
        if (problems.Count > 0)
        {
            Rejected(logger, string.Join("; ", problems));
            return;
        }
        limiter.Update(BandwidthScheduleReader.Read(upload.BandwidthSchedule));
        Applied(logger, upload.BandwidthSchedule.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    [LoggerMessage(5010, LogLevel.Information, "Bandwidth schedule reloaded: {Windows} windows")]
    private static partial void Applied(ILogger logger, int windows);

    [LoggerMessage(5011, LogLevel.Warning, "Changed configuration not applied: {Problems}")]
    private static partial void Rejected(ILogger logger, string problems);
}
