using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>One kind of record a device sends (a refractor's right-eye line, its header line, a monitor's vitals frame).</summary>
internal sealed record RecordDefinition
{
    /// <summary>Names the record kind in problems and docs; unique in the profile.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// fixed-width: the text a record of this kind starts with (<c>OR</c>); binary: the bytes a frame of this kind starts
    /// with, in hex (<c>A1</c>), or none for a profile with one kind of frame. The longest matching tag wins.
    /// </summary>
    public string? Tag { get; init; }

    /// <summary>regex: the .NET regular expression a record of this kind matches; its named groups are the fields.</summary>
    public string? Pattern { get; init; }

    /// <summary>The eye every measurement of this record is of (a refractor's <c>OR</c> line: right), if fixed.</summary>
    public Eye? Eye { get; init; }

    public required IReadOnlyList<FieldDefinition> Fields { get; init; }
}
