using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Serial;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>profiles list [--config FILE]</c>: the profiles in the folder the gateway reads (<c>Serial:ProfilesDirectory</c>
/// or the packaged one), each with its maker, model, link, parser and output, or that it is invalid; then the
/// configured devices and the profile each names.
/// </summary>
internal static class ProfileList
{
    public static async Task<int> RunAsync(EdgeConfiguration configuration)
    {
        var directory = DeviceProfiles.DirectoryOf(configuration.Serial);
        Console.WriteLine($"profiles in {directory}:");
        if (!Directory.Exists(directory))
        {
            await Console.Error.WriteLineAsync($"{directory}: no such folder (Serial:ProfilesDirectory)");
            return ExitCodes.Failure;
        }
        var loads = ProfileLoader.LoadDirectory(directory);
        foreach (var load in loads)
        {
            Console.WriteLine(load.Profile is { } p
                ? $"  {load.Name,-28} {Clean(p.Identity.Vendor)} {Clean(p.Identity.Model)}; {Kebab(p.Link.Protocol)}, {Kebab(p.Parser.Kind)} -> {Kebab(p.Output.Kind)}; {p.Port.BaudRate} baud"
                : $"  {load.Name,-28} INVALID: {load.Errors.Count} errors (imaging-edge profiles validate {Path.Combine(directory, load.Name + ".json")})");
        }
        Console.WriteLine(configuration.Serial.Devices.Count == 0 ? "no serial devices configured (Serial:Devices)" : "configured devices:");
        foreach (var device in configuration.Serial.Devices)
            Console.WriteLine($"  {device.Name} on {device.Port}: profile {device.Profile} ({DeviceProfiles.FileOf(device.Profile, directory)})");
        return loads.All(l => l.Profile is not null) ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string Clean(string text) => SafeText.Printable(text);

    /// <summary>The profile format's spelling of an enum value: AstmE1381 → astm-e1381.</summary>
    private static string Kebab<T>(T value) where T : struct, Enum =>
        System.Text.RegularExpressions.Regex.Replace(value.ToString(), "(?<=[a-z0-9])([A-Z])", "-$1").ToLowerInvariant();
}
