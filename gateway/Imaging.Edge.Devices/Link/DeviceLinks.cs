using Imaging.Edge.Devices.Link.Astm;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link;

/// <summary>Builds the receiving link a profile declares. The one place a new link protocol is added.</summary>
internal static class DeviceLinks
{
    /// <param name="refuseData">Asked when a device starts a transfer: true refuses it where the protocol can (ASTM: NAK to ENQ).</param>
    public static IDeviceLink Create(LinkSettings settings, IDeviceLinkHandler handler, TimeProvider time, Func<bool>? refuseData = null) =>
        settings.Protocol switch
        {
            LinkProtocol.AstmE1381 => new AstmDeviceLink(settings.ToAstmOptions(), handler, time, refuseData),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Protocol, "no link for this protocol"),
        };
}
