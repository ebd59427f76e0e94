using Imaging.Edge.Devices.Parsing.Astm;
using Imaging.Edge.Devices.Parsing.Binary;
using Imaging.Edge.Devices.Parsing.FixedWidth;
using Imaging.Edge.Devices.Parsing.RegularExpression;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Parsing;

/// <summary>Builds the parser a profile declares. The one place a new message format is added.</summary>
internal static class MessageParsers
{
    public static IMessageParser Create(HardwareProfile profile) => profile.Parser.Kind switch
    {
        ParserKind.AstmE1394 => new AstmResultReader(profile.Mapping, profile.Filter, profile.Port.TextEncodingOf()),
        ParserKind.FixedWidth => new FixedWidthParser(profile.Parser, profile.Mapping, profile.Filter, profile.Port.TextEncodingOf()),
        ParserKind.Regex => new RegexParser(profile.Parser, profile.Mapping, profile.Filter, profile.Port.TextEncodingOf()),
        ParserKind.Binary => new BinaryParser(profile.Parser, profile.Mapping, profile.Filter),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile.Parser.Kind, "no parser for this format"),
    };
}
