using System.Globalization;
using System.Text.Json.Nodes;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Serial;

/// <summary>
/// The real gateway with one serial device on a socat pty pair: the configuration names the gateway's end of the pair
/// (a symlink, as a <c>/dev/serial/by-id</c> path is), the test plays the device on the other end.
/// </summary>
internal sealed class SerialScene : IAsyncDisposable
{
    public const string DeviceName = "lab-analyser-1";

    private SerialScene(TemporaryDirectory folder, GatewayProcess gateway, int dicomPort)
    {
        Folder = folder;
        Gateway = gateway;
        DicomPort = dicomPort;
    }

    public TemporaryDirectory Folder { get; }
    public GatewayProcess Gateway { get; }
    public int DicomPort { get; }
    public SocatPty? Cable { get; private set; }

    public string GatewayEnd => Folder.Combine("ttyLAB0");
    public string DeviceEnd => Folder.Combine("device-side");
    public string ConfigFile => Folder.Combine("edge.json");

    /// <param name="plugged">Whether the cable is there when the gateway starts.</param>
    public static async Task<SerialScene> StartAsync(string profile = "astm-e1394", bool plugged = true, IReadOnlyDictionary<string, string>? environment = null)
    {
        var folder = new TemporaryDirectory();
        var port = GatewayProcess.FreePort();
        var scene = new SerialScene(folder, null!, port);
        await scene.WriteConfigAsync(profile);
        if (plugged)
            await scene.PlugAsync();
        var env = new Dictionary<string, string> { ["IMAGING_EDGE__Queue__StableStudySeconds"] = "1" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            env[key] = value;
        var gateway = GatewayProcess.Start(["run", "--config", scene.ConfigFile], env, folder.Path);
        scene = new SerialScene(folder, gateway, port) { Cable = scene.Cable };
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        return scene;
    }

    public Task WriteConfigAsync(string profile) => File.WriteAllTextAsync(ConfigFile, $$"""
        {
          "Dicom": { "Port": {{DicomPort.ToString(CultureInfo.InvariantCulture)}}, "BindAddress": "127.0.0.1" },
          "Gateway": { "DataDir": "{{Folder.Combine("var")}}" },
          "Serial": { "Devices": [ { "Name": "{{DeviceName}}", "Port": "{{GatewayEnd}}", "Profile": "{{profile}}", "Priority": "High" } ] }
        }
        """);

    public async Task PlugAsync() => Cable = await SocatPty.StartAsync(GatewayEnd, DeviceEnd);

    public void Unplug()
    {
        Cable?.Dispose();
        Cable = null;
    }

    public async Task<JsonObject> StatusAsync()
    {
        var status = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "status", "--json", "--config", ConfigFile],
            TimeSpan.FromSeconds(60), workingDirectory: Folder.Path);
        return JsonNode.Parse(status.StandardOutput)!.AsObject();
    }

    /// <summary>The device in the live status (empty before the gateway answers on its control socket).</summary>
    public async Task<JsonObject> DeviceStatusAsync() =>
        (await StatusAsync())["devices"]?.AsArray().SingleOrDefault(d => (string?)d!["name"] == DeviceName)?.AsObject() ?? [];

    /// <summary>Polls the status until the device is in <paramref name="state"/>; fails with the last status seen.</summary>
    public async Task<JsonObject> WaitForDeviceAsync(string state, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        JsonObject device;
        do
        {
            device = await DeviceStatusAsync();
            if ((string?)device["state"] == state)
                return device;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"device never {state}: {device.ToJsonString()}\n{Gateway.Output}");
        return device;
    }

    public Task<ProcessResult> ControlAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "control", .. arguments, "--config", ConfigFile],
            TimeSpan.FromSeconds(60), workingDirectory: Folder.Path);

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Unplug();
        Folder.Dispose();
    }
}
