namespace Imaging.Edge.Fuzz.Targets;

/// <summary>The device captures of hardware-profiles/captures/ (copied beside the executable) as seeds, prefixed by the selector of their profile.</summary>
internal static class DeviceCaptures
{
    public static IEnumerable<byte[]> Seeds(bool withChunk)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "captures");
        if (!Directory.Exists(root)) yield break;
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            byte selector = DeviceProfiles.SelectorOf(Path.GetFileName(folder));
            if (selector == byte.MaxValue) continue;
            foreach (var file in Directory.EnumerateFiles(folder).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                byte[] capture = File.ReadAllBytes(file);
                yield return withChunk ? [selector, 7, .. capture] : [selector, .. capture];
            }
        }
    }
}
