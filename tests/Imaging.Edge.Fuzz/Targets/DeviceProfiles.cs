using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The shipped hardware profiles (copied beside the executable from hardware-profiles/), in name order: between
/// them they cover every link protocol and every parser kind. An input's first byte picks one.
/// </summary>
internal static class DeviceProfiles
{
    private static readonly Lazy<HardwareProfile[]> Loaded = new(Load);

    public static IReadOnlyList<HardwareProfile> All => Loaded.Value;

    public static HardwareProfile Pick(byte selector) => All[selector % All.Count];

    /// <summary>The selector byte of the profile named <paramref name="name"/> (the file name without .json).</summary>
    public static byte SelectorOf(string name) => (byte)Names.Value.IndexOf(name);

    private static readonly Lazy<List<string>> Names = new(() => [.. Loads().Select(l => l.Name)]);

    private static IEnumerable<ProfileLoad> Loads() => ProfileLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "hardware-profiles"));

    private static HardwareProfile[] Load()
    {
        var loads = Loads().ToList();
        var broken = loads.Where(l => l.Profile is null).Select(l => l.Name).ToList();
        if (broken.Count > 0 || loads.Count == 0)
            throw new InvalidOperationException($"hardware profiles missing or invalid beside the fuzzer: {string.Join(", ", broken)}");
        return [.. loads.Select(l => l.Profile!)];
    }
}
