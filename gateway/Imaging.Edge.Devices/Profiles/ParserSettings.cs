namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// The message parser. E1394 needs no parameters (its delimiters come with every header); the fixed-width, regex and
/// binary parsers read the records the profile declares (<see cref="Records"/>), each field named, typed, and either
/// a measurement (with its test code and units) or context (patient ID, eye …). Rules: <see cref="ProfileRules"/>.
/// </summary>
internal sealed record ParserSettings
{
    public required ParserKind Kind { get; init; }

    /// <summary>fixed-width, regex: what ends each record of a message (default a carriage return).</summary>
    public string? Separator { get; init; }

    /// <summary>regex: how long one pattern may run on one record before the record is given up (default 100 ms).</summary>
    public int? MatchTimeoutMilliseconds { get; init; }

    /// <summary>fixed-width, regex, binary: the record kinds the device sends.</summary>
    public IReadOnlyList<RecordDefinition>? Records { get; init; }

    public const string DefaultSeparator = "\r";
    public const int DefaultMatchTimeoutMilliseconds = 100;
}

internal enum ParserKind
{
    /// <summary>ASTM E1394 / CLSI LIS2-A2 records; the mapping holds field references.</summary>
    AstmE1394,
    /// <summary>Text records recognised by a leading tag, fields at offset and length.</summary>
    FixedWidth,
    /// <summary>Text records matched by regular expressions whose named groups are the fields.</summary>
    Regex,
    /// <summary>Binary frames (a link's unescaped payload), fields at offset with width, byte order, signedness.</summary>
    Binary,
}
