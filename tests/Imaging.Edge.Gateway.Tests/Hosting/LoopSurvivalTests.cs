using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Upload;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Imaging.Edge.Gateway.Tests.Retention;
using Imaging.Edge.Gateway.Upload;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Gateway.Tests.Hosting;

/// <summary>
/// The background loops meet an exception nobody planned for (a bug, a database failing in a way no catch names) and
/// go on: a loop that ended would stop the whole host (BackgroundServiceExceptionBehavior.StopHost), and every modality
/// with it. The long chaos soak found the manifest loop ending on SQLite's "abort due to ROLLBACK" on a full disk.
/// </summary>
public sealed class LoopSurvivalTests : IDisposable
{
    private readonly RetentionScene _scene = new();
    private readonly string _cloud = Directory.CreateTempSubdirectory("edge-loops-cloud-").FullName;

    public void Dispose()
    {
        _scene.Dispose();
        Directory.Delete(_cloud, recursive: true);
    }

    [Fact]
    public async Task The_retention_sweeper_goes_on_after_its_disk_probe_throws_the_unexpected()
    {
        var id = _scene.Receive();
        _scene.Upload(id);
        var throws = 2;
        DiskUsage Probe() => Interlocked.Decrement(ref throws) >= 0 ? throw new InvalidOperationException("a probe bug") : RetentionScene.NothingUsed();
        var log = new EventLog<RetentionSweeper>();
        var sweeper = new RetentionSweeper(_scene.Store, _scene.Layout, new RetentionOptions { KeepUploadedDays = 30, SweepIntervalSeconds = 300 },
            Probe, _scene.Clock, log);
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            // the first two sweeps find nothing old enough, then meet the probe's exception (the high-water check)
            await UntilAsync(() => log.Count(8010) >= 2, () => _scene.Clock.Advance(sweeper.Interval), sweeper);
            Assert.Equal(InstanceStates.Uploaded, _scene.State(id));

            _scene.Clock.Advance(TimeSpan.FromDays(31));
            await UntilAsync(() => _scene.State(id) == InstanceStates.Evicted, () => _scene.Clock.Advance(sweeper.Interval), sweeper);
            Assert.False(_scene.HasFile(id));
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_disk_monitor_goes_on_after_its_probe_throws_the_unexpected()
    {
        var throws = 1;
        DiskUsage Probe() => Interlocked.Decrement(ref throws) >= 0 ? throw new InvalidOperationException("a probe bug") : RetentionScene.NothingUsed();
        var log = new EventLog<DiskMonitor>();
        var monitor = new DiskMonitor(new DiskSpaceGuard(_scene.Layout.Root, 1), _scene.Store, Probe, 85, _scene.Clock, log);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(() => monitor.Readings > 0, () => _scene.Clock.Advance(TimeSpan.FromMinutes(1)), monitor);

            Assert.Equal(1, log.Count(8011)); // the failed check said so
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_manifest_uploader_goes_on_after_the_queue_fails_and_uploads_the_manifest_once_it_works()
    {
        var id = _scene.Receive();
        _scene.Upload(id);
        Assert.NotEmpty(_scene.Queue.Studies.MarkStableStudies(_scene.Clock.GetUtcNow().AddSeconds(1)));
        Execute("ALTER TABLE studies RENAME TO studies_away;"); // every query of the studies fails now
        var log = new EventLog<ManifestUploader>();
        var uploader = Manifests(log);
        await uploader.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(() => log.Count(5056) >= 2, () => _scene.Clock.Advance(TimeSpan.FromSeconds(1)), uploader);

            Execute("ALTER TABLE studies_away RENAME TO studies;");
            await UntilAsync(() => ManifestsInTheStore().Count > 0, () => _scene.Clock.Advance(TimeSpan.FromSeconds(1)), uploader);
            Assert.EndsWith("manifest.v1.json", Assert.Single(ManifestsInTheStore()), StringComparison.Ordinal);
        }
        finally
        {
            await uploader.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_multipart_sweeper_goes_on_after_the_queue_fails()
    {
        Execute("ALTER TABLE instances RENAME TO instances_away;"); // the read of the upload checkpoints fails now
        var log = new EventLog<MultipartSweeper>();
        var sweeper = new MultipartSweeper(_scene.Queue.Leases, Endpoints(), ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default),
            EdgeConfiguration.FromRoot(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build()), _scene.Clock, log);
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            // the sweep at start and the hourly one after it both fail, and the loop is still there
            await UntilAsync(() => log.Count(5057) >= 2, () => _scene.Clock.Advance(TimeSpan.FromHours(1)), sweeper);
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
            Execute("ALTER TABLE instances_away RENAME TO instances;");
        }
    }

    private ManifestUploader Manifests(ILogger<ManifestUploader> log)
    {
        var configuration = EdgeConfiguration.FromRoot(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build());
        return new ManifestUploader(_scene.Queue.Studies, Endpoints(),
            new ObjectUploader(new UploadSettings(), NullLogger.Instance), ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default),
            new UploadPause(), _scene.Layout, configuration, _scene.Clock, log);
    }

    private UploadEndpoints Endpoints() => new(
        new EndpointResilience(new FileSystemObjectStore(_cloud), new ResilienceSettings { MaxRetryAttempts = 1 }, _scene.Clock, NullLogger.Instance),
        null, writeToBoth: false);

    private List<string> ManifestsInTheStore() =>
        [.. Directory.EnumerateFiles(_cloud, "manifest.v*.json", SearchOption.AllDirectories).Where(f => !f.EndsWith(".meta.json", StringComparison.Ordinal))];

    private void Execute(string sql)
    {
        using var connection = _scene.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Counts the events a loop logs by id: the loop must say that a pass failed.</summary>
    private sealed class EventLog<T> : ILogger<T>
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _counts = new();

        public int Count(int eventId) => _counts.GetValueOrDefault(eventId);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _counts.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1);
    }

    /// <summary>Advances the fake clock until the condition holds (30 s of real time at most); fails if the loop ended.</summary>
    private static async Task UntilAsync(Func<bool> condition, Action advance, BackgroundService loop)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            Assert.False(loop.ExecuteTask is { IsCompleted: true }, $"the loop ended: {loop.ExecuteTask?.Exception?.GetBaseException().Message}");
            advance();
            await Task.Delay(25);
        }
        Assert.True(condition(), "not reached within 30 s");
    }
}
