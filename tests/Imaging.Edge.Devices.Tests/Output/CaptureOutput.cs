using Imaging.Edge.Devices.Output;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Replay;
using Imaging.Edge.Devices.Tests.Profiles;
using Imaging.Edge.Dicom.Data.Writing;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.Output;

/// <summary>A shipped capture replayed through its profile and turned into DICOM objects, at a fixed time.</summary>
internal static class CaptureOutput
{
    public const string ObserverUid = "1.2.826.0.1.3680043.10.1499.99.1";
    public static readonly DateTime Received = new(2026, 12, 1, 12, 0, 5);

    public static IEnumerable<(string Profile, string Capture)> All() =>
        ProfileLoader.LoadDirectory(ShippedProfiles.Directory)
            .SelectMany(p => ShippedProfiles.CapturesOf(p.Name).Select(c => (p.Name, c)));

    public static IReadOnlyList<DeviceDicomObject> Build(string profileName, string capture, UidGenerator? uids = null)
    {
        var load = ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory, profileName + ".json"));
        var profile = load.Profile!;
        byte[] bytes = File.ReadAllBytes(capture);
        var replay = CaptureReplay.Run(profile, bytes, new FakeTimeProvider());
        var device = DeviceSource.Of("lab-" + profileName, profileName, profile, ObserverUid);
        return [.. replay.Outcome.Messages.SelectMany(m => DeviceOutputBuilder.Build(m, bytes, profile, device, Received, uids ?? new UidGenerator("1.2.826.0.1.3680043.10.1499.2")))];
    }

    /// <summary>The golden SR content beside a capture: <c>name.dicom.json</c>.</summary>
    public static string GoldenOf(string capture) => Path.ChangeExtension(capture, ".dicom.json");
}
