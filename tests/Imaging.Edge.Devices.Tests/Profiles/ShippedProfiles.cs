namespace Imaging.Edge.Devices.Tests.Profiles;

/// <summary>The <c>hardware-profiles/</c> folder as copied beside the test assembly.</summary>
internal static class ShippedProfiles
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "hardware-profiles");

    public static string Schema => Path.Combine(Directory, "schema.json");

    /// <summary>The capture files of a profile: <c>captures/{profile}/*.astm</c>.</summary>
    public static IEnumerable<string> CapturesOf(string profile)
    {
        var folder = Path.Combine(Directory, "captures", profile);
        return System.IO.Directory.Exists(folder) ? System.IO.Directory.EnumerateFiles(folder, "*.astm").Order(StringComparer.Ordinal) : [];
    }

    /// <summary>The golden file beside a capture: <c>name.expected.json</c>.</summary>
    public static string GoldenOf(string capture) => Path.ChangeExtension(capture, ".expected.json");
}
