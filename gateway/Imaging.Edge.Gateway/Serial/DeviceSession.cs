using Imaging.Edge.Devices.Output;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Dicom.Data.Writing;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Serial;

/// <summary>What storing a device's messages needs, made once per listener: the parser, the device as an observer, its priority.</summary>
/// <param name="Id">Names this device's messages in the intake's logs, as an association id does (distinct per listener).</param>
internal sealed record DeviceSession(SerialDevice Device, IMessageParser Parser, DeviceSource Source, int Priority, long Id)
{
    private static long s_next = 1_000_000_000;

    /// <param name="site">The site and gateway make the device's observer UID unique beyond this box.</param>
    public static DeviceSession For(SerialDevice device, string site, string gateway) => new(
        device,
        MessageParsers.Create(device.Profile),
        DeviceSource.Of(device.Name, device.ProfileName, device.Profile, UidGenerator.NameBased($"imaging-edge/{site}/{gateway}/serial/{device.Name}")),
        Priorities.From(Enum.Parse<Dicom.Dimse.DimsePriority>(device.Options.Priority, ignoreCase: true)),
        Interlocked.Increment(ref s_next));
}
