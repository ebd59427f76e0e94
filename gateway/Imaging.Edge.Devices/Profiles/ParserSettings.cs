namespace Imaging.Edge.Devices.Profiles;

/// <summary>The message parser (E1394 needs no parameters: its delimiters come with every header).</summary>
internal sealed record ParserSettings
{
    public required ParserKind Kind { get; init; }
}

internal enum ParserKind
{
    /// <summary>ASTM E1394 / CLSI LIS2-A2 records. Fixed-width, regex and binary parsers come later.</summary>
    AstmE1394,
}
