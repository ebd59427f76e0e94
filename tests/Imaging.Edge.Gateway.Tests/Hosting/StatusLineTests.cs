using Imaging.Edge.Gateway.Health;
using Imaging.Edge.Gateway.Hosting.Systemd;

namespace Imaging.Edge.Gateway.Tests.Hosting;

/// <summary>The one line <c>systemctl status</c> shows.</summary>
public sealed class StatusLineTests
{
    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(119, "119 s")]
    [InlineData(120, "2 min")]
    [InlineData(7199, "119 min")]
    [InlineData(7200, "2 h")]
    [InlineData(172800, "2 d")]
    public void Ages_read_in_the_unit_that_matters(long seconds, string text) => Assert.Equal(text, StatusLine.Age(seconds));

    [Fact]
    public void Online_with_a_queue_names_the_pending_count_and_the_oldest_age()
    {
        Assert.Equal("online; 12 pending, oldest 40 s; 30 received today", StatusLine.Of(Status(GatewayStatus.Online, [], 12, 40, 30)));
    }

    [Fact]
    public void Degraded_names_the_first_reason_and_how_many_more_on_one_printable_line()
    {
        var line = StatusLine.Of(Status(GatewayStatus.Degraded, ["disk below reserve: new instances are refused", "device a\nb: port x not open (closed)"], 0, null, 0));

        Assert.Equal("degraded: disk below reserve: new instances are refused (+1 more); 0 pending; 0 received today", line);
        Assert.DoesNotContain('\n', StatusLine.Of(Status(GatewayStatus.Degraded, ["device a\nb"], 0, null, 0)));
    }

    private static GatewayStatus Status(string state, IReadOnlyList<string> reasons, long pending, long? oldest, long today) => new(
        "site", "gateway", state, reasons, "1.0", 10,
        new QueueStatus(pending, 0, 0, 0, 0, oldest),
        new UploadStatus(false, 0, null, "file", new Dictionary<string, string>()),
        new ReceiveStatus(0, today),
        new DiskStatusView(1, 1, 1, false, 85),
        [],
        new TelemetryCounters(0, 0));
}
