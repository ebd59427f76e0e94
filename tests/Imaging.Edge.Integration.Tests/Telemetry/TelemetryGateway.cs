using System.Globalization;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Telemetry;

/// <summary>The real gateway process with telemetry to a broker on loopback (site-t / gw-t), on a free DICOM port.</summary>
internal static class TelemetryGateway
{
    public const string Prefix = "imaging-edge/v1/site-t/gw-t";
    public const string Status = Prefix + "/status";
    public const string Events = Prefix + "/events";

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static async Task<(GatewayProcess Gateway, int DicomPort)> StartAsync(TemporaryDirectory folder, int mqttPort, IReadOnlyDictionary<string, string>? extra = null)
    {
        var dicomPort = GatewayProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Gateway__SiteId"] = "site-t",
            ["IMAGING_EDGE__Gateway__GatewayId"] = "gw-t",
            ["IMAGING_EDGE__Mqtt__Host"] = "127.0.0.1",
            ["IMAGING_EDGE__Mqtt__Port"] = Text(mqttPort),
            ["IMAGING_EDGE__Mqtt__HeartbeatSeconds"] = "5",
            ["IMAGING_EDGE__Queue__StableStudySeconds"] = "1",
            ["IMAGING_EDGE__Dicom__Port"] = Text(dicomPort),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) environment[key] = value;
        var gateway = GatewayProcess.Start(["run"], environment, folder.Path);
        await gateway.WaitForPortAsync(dicomPort, TimeSpan.FromSeconds(30));
        return (gateway, dicomPort);
    }

    public static long Scalar(TemporaryDirectory folder, string sql)
    {
        var database = new QueueDatabase(folder.Combine("var"), createIfMissing: false);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public static async Task WaitForEmptyOutboxAsync(TemporaryDirectory folder)
    {
        long count = -1;
        for (var i = 0; i < 150; i++)
        {
            count = Scalar(folder, "SELECT COUNT(*) FROM outbox;");
            if (count == 0) return;
            await Task.Delay(100);
        }
        Assert.Fail($"the outbox still holds {count} events");
    }
}
