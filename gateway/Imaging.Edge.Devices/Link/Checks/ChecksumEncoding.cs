namespace Imaging.Edge.Devices.Link.Checks;

/// <summary>How the check value travels in the frame.</summary>
internal enum ChecksumEncoding
{
    /// <summary>Upper-case hexadecimal ASCII, most significant digit first: two characters per byte ("BB3D").</summary>
    Hex,
    /// <summary>The check value's bytes themselves, in the configured byte order.</summary>
    Binary,
}
