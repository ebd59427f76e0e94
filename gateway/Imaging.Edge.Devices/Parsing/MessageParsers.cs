using Imaging.Edge.Devices.Parsing.Astm;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Parsing;

/// <summary>Builds the parser a profile declares. The one place a new message format is added.</summary>
internal static class MessageParsers
{
    public static IMessageParser Create(HardwareProfile profile) => profile.Parser.Kind switch
    {
        ParserKind.AstmE1394 => new AstmResultReader(profile.Mapping, profile.Filter, profile.Port.TextEncodingOf()),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile.Parser.Kind, "no parser for this format"),
    };
}
