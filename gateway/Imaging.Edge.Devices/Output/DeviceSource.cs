using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// The device a message came from, as the DICOM output names it: the configured name (<c>Serial:Devices:N:Name</c>),
/// the profile's maker and model, and a UID that identifies this device as an observer (Device Observer UID,
/// (121012, DCM)): stable for one device, so that its objects can be told apart from another unit of the same model.
/// </summary>
internal sealed record DeviceSource(string Name, string ProfileName, string Vendor, string Model, string ObserverUid)
{
    public static DeviceSource Of(string name, string profileName, HardwareProfile profile, string observerUid) =>
        new(name, profileName, profile.Identity.Vendor, profile.Identity.Model, observerUid);
}
