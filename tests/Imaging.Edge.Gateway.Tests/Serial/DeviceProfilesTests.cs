using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Serial;
using Imaging.Edge.Tests;

namespace Imaging.Edge.Gateway.Tests.Serial;

/// <summary>How a configured device finds its profile, what the configuration overrides, and when a reload sees a change.</summary>
public sealed class DeviceProfilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-profiles-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Shipped => Repository.File("hardware-profiles");

    [Fact]
    public void A_name_is_found_in_the_profiles_folder_and_the_configuration_overrides_the_port_settings()
    {
        var options = new SerialDeviceOptions
        {
            Name = "lab", Port = "/dev/ttyUSB0", Profile = "astm-e1394", BaudRate = 19200, Parity = "even", StopBits = "one-point-five", Handshake = "rts-cts-xon-xoff",
        };

        var (device, errors) = DeviceProfiles.Load(options, Shipped);

        Assert.Empty(errors);
        Assert.Equal("astm-e1394", device!.ProfileName);
        Assert.Equal(19200, device.Profile.Port.BaudRate);
        Assert.Equal(SerialParity.Even, device.Profile.Port.Parity);
        Assert.Equal(SerialStopBits.OnePointFive, device.Profile.Port.StopBits);
        Assert.Equal(SerialHandshake.RtsCtsXonXoff, device.Profile.Port.Handshake);
        Assert.Equal(8, device.Profile.Port.DataBits); // not overridden: the profile's
    }

    [Fact]
    public void A_path_is_read_as_is_and_a_profile_with_errors_comes_back_with_them()
    {
        var broken = Path.Combine(_folder, "broken.json");
        File.WriteAllText(broken, File.ReadAllText(Path.Combine(Shipped, "astm-e1394.json")).Replace("\"dataBits\"", "\"dataBit\"", StringComparison.Ordinal));

        var (device, errors) = DeviceProfiles.Load(new SerialDeviceOptions { Name = "lab", Port = "/dev/ttyS0", Profile = broken }, Shipped);

        Assert.Null(device);
        Assert.Contains(errors, e => e.ToString().Contains("$.port.dataBit", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().Contains("$.port.dataBits: is required", StringComparison.Ordinal));
    }

    [Fact]
    public void The_fingerprint_changes_with_the_profile_bytes_and_the_device_configuration_only()
    {
        var file = Path.Combine(_folder, "p.json");
        File.Copy(Path.Combine(Shipped, "astm-e1394.json"), file);
        var options = new SerialDeviceOptions { Name = "lab", Port = "/dev/ttyS0", Profile = file };

        var first = DeviceProfiles.Load(options, _folder).Device!.Fingerprint;
        var again = DeviceProfiles.Load(options, _folder).Device!.Fingerprint;
        var otherPort = DeviceProfiles.Load(new SerialDeviceOptions { Name = "lab", Port = "/dev/ttyS1", Profile = file }, _folder).Device!.Fingerprint;
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"receiverTimeoutSeconds\": 30", "\"receiverTimeoutSeconds\": 25", StringComparison.Ordinal));
        var edited = DeviceProfiles.Load(options, _folder).Device!.Fingerprint;

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherPort);
        Assert.NotEqual(first, edited);
    }
}
