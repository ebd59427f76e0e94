namespace Imaging.Edge.Devices.Tests.Profiles;

/// <summary>The <c>hardware-profiles/</c> folder as copied beside the test assembly.</summary>
internal static class ShippedProfiles
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "hardware-profiles");

    public static string Schema => Path.Combine(Directory, "schema.json");

    /// <summary>
    /// The capture files of a profile: every file of <c>captures/{profile}/</c> but the golden <c>.json</c> files
    /// (<c>.astm</c> for ASTM E1381, <c>.cap</c> for other framed text, <c>.bin</c> for binary frames).
    /// </summary>
    public static IEnumerable<string> CapturesOf(string profile)
    {
        var folder = Path.Combine(Directory, "captures", profile);
        return System.IO.Directory.Exists(folder)
            ? System.IO.Directory.EnumerateFiles(folder).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>The golden file beside a capture: <c>name.expected.json</c>.</summary>
    public static string GoldenOf(string capture) => Path.ChangeExtension(capture, ".expected.json");

    /// <summary>The optional golden link file beside a capture: <c>name.link.json</c> (absent: the link met no problem).</summary>
    public static string LinkGoldenOf(string capture) => Path.ChangeExtension(capture, ".link.json");
}
