namespace Imaging.Edge.Dicom.Files;

/// <summary>
/// PS3.10 §7.1: a 128-byte preamble, the prefix "DICM", then the File Meta Information (group 0002) in explicit
/// VR little endian, starting with (0002,0000) UL, the length of the rest of the group.
/// </summary>
internal static class Part10Layout
{
    public const int PreambleLength = 128;
    public const int PrefixOffset = 128;
    public const int MetaOffset = 132;
    public static ReadOnlySpan<byte> Prefix => "DICM"u8;

    public const int MaxUidLength = 64;
    public const int MaxAeTitleLength = 16;
    public const int MaxShortStringLength = 16;

    /// <summary>A meta group longer than this is not believed (a real one is a few hundred bytes).</summary>
    public const int MaxMetaGroupLength = 64 * 1024;
}
