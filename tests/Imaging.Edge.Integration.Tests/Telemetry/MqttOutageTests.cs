using System.Diagnostics;
using System.Text.Json;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;
using static Imaging.Edge.Integration.Tests.Telemetry.TelemetryGateway;

namespace Imaging.Edge.Integration.Tests.Telemetry;

/// <summary>Events survive a broker restart in the middle of a burst: every one arrives, none twice.</summary>
public sealed class MqttOutageTests
{
    private const int Studies = 30;

    [Fact]
    public async Task Events_arrive_exactly_once_by_seq_when_the_broker_restarts_in_the_middle_of_a_burst()
    {
        using var folder = new TemporaryDirectory();
        var mqttPort = GatewayProcess.FreePort();
        var brokerFolder = folder.Combine("broker");
        var broker = await MosquittoProcess.StartAsync(mqttPort, brokerFolder, persistent: true);
        try
        {
            await using var fleet = ReconnectingSubscriber.Start(mqttPort, Events);
            await using var watcher = await MosquittoSubscriber.ConnectAsync(mqttPort, Status);
            var (gateway, dicomPort) = await StartAsync(folder, mqttPort);
            await using var owned = gateway;
            await watcher.WaitForAsync(Status, j => j.GetProperty("state").GetString() == "online", TimeSpan.FromSeconds(45));
            var files = SyntheticStudies.Write(folder.Combine("in"), Studies, 1).Select(s => s.Files[0]).ToList();

            // One association per study, sent one after the other, while the broker goes away and comes back.
            var sending = Task.Run(async () =>
            {
                foreach (var file in files)
                {
                    var store = await ProcessRunner.RunAsync("storescu", ["-aec", "IMAGING_EDGE", "127.0.0.1", Text(dicomPort), file]);
                    Assert.True(store.ExitCode == 0, store.Output);
                }
            });
            var clock = Stopwatch.StartNew();
            while (fleet.Messages.Count < 5 && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
            Assert.True(fleet.Messages.Count >= 5, "no events before the restart");
            await broker.StopAsync();
            await broker.DisposeAsync();
            // The sender goes on: events wait in the outbox while the broker is away (else nothing here tests the outage).
            var outage = Stopwatch.StartNew();
            long duringOutage;
            while ((duringOutage = Scalar(folder, "SELECT COUNT(*) FROM outbox;")) == 0 && outage.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
            Assert.True(duringOutage > 0, "no event waited in the outbox while the broker was away");
            broker = await MosquittoProcess.StartAsync(mqttPort, brokerFolder, persistent: true);
            await sending;

            // Everything received is complete and uploaded (1 s stability), and the outbox drains to the broker.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (DateTime.UtcNow < deadline && Count(fleet, QueueEvents.StudyUploaded) < Studies) await Task.Delay(200);
            await WaitForEmptyOutboxAsync(folder);
            await Task.Delay(1000); // anything in flight lands

            // QoS 1 is at least once: a PUBLISH in flight when the broker went down may have been stored by it and is
            // sent again by the gateway. Such a repeat carries the same seq and the same bytes, so a consumer that
            // keeps the last seq per gateway sees every event exactly once — which is what is asserted here.
            var received = fleet.Messages;
            var repeats = received.GroupBy(e => e.GetProperty("seq").GetInt64()).Where(g => g.Count() > 1).ToList();
            foreach (var repeat in repeats)
                Assert.Single(repeat.Select(e => e.GetRawText()).Distinct());
            Assert.True(repeats.Count <= 2, $"{repeats.Count} events repeated: more than the publishes in flight at the stop");
            var events = received.GroupBy(e => e.GetProperty("seq").GetInt64()).Select(g => g.First()).ToList();
            var report = string.Join("\n", received.Select(e => e.GetRawText()));
            Assert.True(fleet.Connections >= 2, "the subscriber never saw the restart");
            foreach (var type in new[] { QueueEvents.StudyReceived, QueueEvents.StudyComplete, QueueEvents.StudyUploaded })
            {
                var studies = events.Where(e => e.GetProperty("type").GetString() == type).Select(e => e.GetProperty("data").GetProperty("study").GetString()).ToList();
                Assert.True(studies.Count == Studies, $"{type}: {studies.Count} events for {studies.Distinct().Count()} studies, expected {Studies}\n{report}");
                Assert.Equal(Studies, studies.Distinct().Count());
            }
            var seqs = received.Select(e => e.GetProperty("seq").GetInt64()).Distinct().ToList();
            Assert.Equal(seqs.Order(), seqs); // one publisher, one queue: in order across the restart
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    private static int Count(ReconnectingSubscriber subscriber, string type) =>
        subscriber.Messages.Count(e => e.GetProperty("type").GetString() == type);
}
