using System.Globalization;
using System.Text.Json.Nodes;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Doctor;

/// <summary>
/// The peers a box needs, real and on loopback: s3rver with the bucket, Mosquitto, and a serial cable (a socat pty
/// pair). <see cref="WriteConfigAsync"/> writes a configuration naming them, which a test may break in one place.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class DoctorScene : IAsyncDisposable
{
    public const string Bucket = "doctor-bucket";
    public const string Site = "site-doctor";
    public const string Gateway = "gw-doctor";
    public const string Device = "lab1";

    private DoctorScene(TemporaryDirectory folder, S3rverProcess s3, MosquittoProcess broker, int brokerPort, SocatPty cable)
    {
        Folder = folder;
        S3 = s3;
        Broker = broker;
        BrokerPort = brokerPort;
        Cable = cable;
    }

    public TemporaryDirectory Folder { get; }
    public S3rverProcess S3 { get; }
    public MosquittoProcess Broker { get; }
    public int BrokerPort { get; }
    public SocatPty Cable { get; }
    public int DicomPort { get; } = GatewayProcess.FreePort();
    public string ConfigFile => Folder.Combine("edge.json");

    public static async Task<DoctorScene> StartAsync()
    {
        var folder = new TemporaryDirectory();
        var s3 = new S3rverProcess(Bucket);
        var brokerPort = GatewayProcess.FreePort();
        var broker = await MosquittoProcess.StartAsync(brokerPort, folder.Combine("mosquitto"));
        var cable = await SocatPty.StartAsync(folder.Combine("ttyLAB0"), folder.Combine("device-side"));
        return new DoctorScene(folder, s3, broker, brokerPort, cable);
    }

    /// <summary>The configuration of a healthy box; <paramref name="change"/> may break it before it is written.</summary>
    public async Task WriteConfigAsync(Action<JsonObject>? change = null, string accessKey = S3rverProcess.AccessKey)
    {
        await File.WriteAllTextAsync(Folder.Combine("access-key"), accessKey);
        await File.WriteAllTextAsync(Folder.Combine("secret-key"), S3rverProcess.SecretKey);
        File.SetUnixFileMode(Folder.Combine("access-key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(Folder.Combine("secret-key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = new JsonObject
        {
            ["Gateway"] = new JsonObject { ["SiteId"] = Site, ["GatewayId"] = Gateway, ["DataDir"] = Folder.Combine("data") },
            ["Dicom"] = new JsonObject { ["Port"] = DicomPort, ["BindAddress"] = "127.0.0.1" },
            ["Upload"] = new JsonObject
            {
                ["Destination"] = "s3",
                ["S3"] = new JsonObject
                {
                    ["ServiceUrl"] = S3.ServiceUrl, ["Bucket"] = Bucket, ["Region"] = S3rverProcess.Region, ["PathStyle"] = true,
                    ["AccessKeyFile"] = Folder.Combine("access-key"), ["SecretKeyFile"] = Folder.Combine("secret-key"),
                },
            },
            ["Mqtt"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = BrokerPort },
            ["Serial"] = new JsonObject
            {
                ["Devices"] = new JsonArray(new JsonObject { ["Name"] = Device, ["Port"] = Cable.GatewayEnd, ["Profile"] = "astm-e1394" }),
            },
            // A CI disk fuller than the shipped marks must not turn the disk line red in tests about other lines.
            ["Retention"] = new JsonObject { ["ReserveMegabytes"] = 1, ["HighWaterPercent"] = 99 },
        };
        change?.Invoke(config);
        await File.WriteAllTextAsync(ConfigFile, config.ToJsonString());
    }

    public Task<ProcessResult> DoctorAsync(params string[] extra) =>
        EdgeCli.RunAsync(Folder.Path, null, ["doctor", "--config", ConfigFile, .. extra]);

    public static string PortText(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Cable.Dispose();
        await Broker.DisposeAsync();
        S3.Dispose();
        Folder.Dispose();
    }
}
