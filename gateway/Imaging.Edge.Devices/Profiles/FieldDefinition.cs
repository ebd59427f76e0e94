using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// One field of a record: where it is (fixed-width: offset and length in characters; binary: offset, width, byte order
/// in bytes; regex: the named group called <see cref="Name"/>), its type, and what it is used for. A measurement
/// becomes a <see cref="DeviceResult"/> with its <see cref="TestCode"/> (mapped to a concept by
/// <c>mapping.testCodes</c>), its <see cref="Units"/> and, for ophthalmic values, its <see cref="Refraction"/>.
/// </summary>
internal sealed record FieldDefinition
{
    /// <summary>Unique in its record; regex: the named group.</summary>
    public required string Name { get; init; }

    /// <summary>fixed-width: characters from the record's start (the tag included); binary: bytes from the frame's start.</summary>
    public int? Offset { get; init; }

    /// <summary>fixed-width: characters.</summary>
    public int? Length { get; init; }

    /// <summary>binary: 1, 2 or 4 bytes.</summary>
    public int? Width { get; init; }

    /// <summary>binary: the byte order of a 2- or 4-byte field (default big-endian, network order).</summary>
    public ByteOrder? ByteOrder { get; init; }

    /// <summary>binary: two's complement (default unsigned).</summary>
    public bool? Signed { get; init; }

    /// <summary>fixed-width, regex: how the text is read (default text); binary fields are integers.</summary>
    public FieldType? Type { get; init; }

    /// <summary>Implied decimal places of an integer (<c>0125</c> with scale 2 is 1.25; binary 987 with scale 1 is 98.7).</summary>
    public int? Scale { get; init; }

    /// <summary>What the value is (default: a measurement).</summary>
    public FieldUse? Use { get; init; }

    /// <summary>A measurement's test code (the key of <c>mapping.testCodes</c>); required for a measurement.</summary>
    public string? TestCode { get; init; }

    /// <summary>A measurement's units as a UCUM code (<c>[diop]</c>, <c>deg</c>, <c>/min</c>, <c>%</c>).</summary>
    public string? Units { get; init; }

    /// <summary>An ophthalmic measurement's quantity: where the refractive measurement IODs put it.</summary>
    public RefractionQuantity? Refraction { get; init; }
}

internal enum FieldType
{
    /// <summary>The characters, surrounding spaces removed.</summary>
    Text,
    /// <summary>Digits with an optional sign; with a scale, implied decimal places.</summary>
    Integer,
    /// <summary>A decimal number with a point (<c>1.25</c>, <c>-0.5</c>).</summary>
    Decimal,
    /// <summary>A sign, optional spaces, then a decimal number: a refractor's <c>+ 1.25</c> / <c>- 1.25</c>.</summary>
    SignedDecimal,
}

internal enum FieldUse
{
    Measurement,
    PatientId,
    SpecimenId,
    /// <summary>The device's name or id (a header line): the message's sender.</summary>
    Sender,
    /// <summary>The eye of the record's measurements: <c>R</c>/<c>L</c> (also <c>OD</c>/<c>OS</c>, <c>RIGHT</c>/<c>LEFT</c>).</summary>
    Eye,
}

internal enum ByteOrder { BigEndian, LittleEndian }
