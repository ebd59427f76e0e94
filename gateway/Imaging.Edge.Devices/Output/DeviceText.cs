namespace Imaging.Edge.Devices.Output;

/// <summary>
/// Makes text a device sent fit a DICOM string VR: control characters and the value separator (backslash) become
/// spaces, surrounding spaces go, and the text is cut to the VR's length. A device value never makes the output
/// throw: the exact bytes are kept in the Raw Data instance anyway.
/// </summary>
internal static class DeviceText
{
    public static string Clean(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        Span<char> chars = value.Length <= 1024 ? stackalloc char[value.Length] : new char[value.Length];
        for (int i = 0; i < value.Length; i++)
            chars[i] = char.IsControl(value[i]) || value[i] == '\\' ? ' ' : value[i];
        var cleaned = chars.Trim(' ');
        return new string(cleaned.Length > maxLength ? cleaned[..maxLength].TrimEnd(' ') : cleaned);
    }
}
