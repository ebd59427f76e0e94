using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// Declares studies stable once no instance has arrived for <c>Queue:StableStudySeconds</c>. Each stability is a new
/// manifest version and a study.complete event in the outbox; an instance arriving later reopens the study.
/// </summary>
internal sealed class StudyTracker(StudyStore studies, TimeSpan stableAfter, TimeProvider clock, ILogger<StudyTracker> logger) : BackgroundService
{
    /// <summary>Checks a few times per stability period, at most every 5 s, so a study is declared at most a little late.</summary>
    public TimeSpan CheckEvery { get; } = TimeSpan.FromSeconds(Math.Clamp(stableAfter.TotalSeconds / 4, 0.2, 5));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckEvery, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                MarkStable();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A busy or failing database must not end the tracker for good: nothing is lost by a late check.
                QueueLog.StabilityCheckFailed(logger, e, e.GetType().Name);
            }
        }
    }

    /// <summary>One pass; returns the studies that became stable.</summary>
    public IReadOnlyList<StableStudy> MarkStable()
    {
        var stable = studies.MarkStableStudies(clock.GetUtcNow() - stableAfter);
        foreach (var study in stable)
            QueueLog.StudyStable(logger, study.Pseudonym, study.InstanceCount, study.ManifestVersion);
        return stable;
    }
}
