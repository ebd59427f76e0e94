using Imaging.Edge.Devices.Link.Astm;
using Imaging.Edge.Devices.Link.EscapedBinary;
using Imaging.Edge.Devices.Link.Line;
using Imaging.Edge.Devices.Link.StxEtx;
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
            // The others have no way to refuse a transfer before it starts: a message that cannot be stored gets NAK
            // (where the device gets replies) through Acknowledge(durable: false).
            LinkProtocol.StxEtx => new StxEtxLink(StxEtxOptions.From(settings), handler, time),
            LinkProtocol.EscapedBinary => new EscapedBinaryLink(EscapedBinaryOptions.From(settings), handler, time),
            LinkProtocol.Line => new LineLink(LineOptions.From(settings), handler, time),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Protocol, "no link for this protocol"),
        };
}
