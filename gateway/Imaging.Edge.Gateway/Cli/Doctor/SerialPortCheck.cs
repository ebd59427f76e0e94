using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Serial;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// One line per configured serial device: its port is there (a stable <c>/dev/serial/by-id</c> link resolves),
/// the service user may open it, and its hardware profile loads (<see cref="DeviceProfiles"/>, as the gateway loads it).
/// </summary>
internal static class SerialPortCheck
{
    public static IEnumerable<CheckResult> Run(SerialOptions serial, ServiceUser? serviceUser)
    {
        if (serial.Devices.Count == 0)
        {
            yield return CheckResult.Skip("serial", "no serial devices configured (Serial:Devices)");
            yield break;
        }
        var directory = DeviceProfiles.DirectoryOf(serial);
        foreach (var device in serial.Devices)
            yield return Check(device, directory, serviceUser);
    }

    private static CheckResult Check(SerialDeviceOptions device, string directory, ServiceUser? serviceUser)
    {
        var name = "serial-" + device.Name;
        if (!File.Exists(device.Port))
            return CheckResult.Fail(name, $"{device.Port} is not there",
                "plug the cable in (ls -l /dev/serial/by-id/ shows what is connected), or fix Serial:Devices Port");
        var (_, errors) = DeviceProfiles.Load(device, directory);
        if (errors.Count > 0)
            return CheckResult.Fail(name, $"profile {device.Profile} is invalid: {SafeText.Printable(string.Join("; ", errors.Take(3)))}",
                $"imaging-edge profiles validate {DeviceProfiles.FileOf(device.Profile, directory)} shows every error");
        if (serviceUser is not null && !serviceUser.May(device.Port, write: true))
            return CheckResult.Fail(name, $"{device.Port} is there but the service user {serviceUser.Name} may not open it",
                "the unit adds the dialout group; check the device's group (ls -l) and DeviceAllow= in the unit");
        return CheckResult.Ok(name, $"{device.Port} present, profile {device.Profile} valid");
    }
}
