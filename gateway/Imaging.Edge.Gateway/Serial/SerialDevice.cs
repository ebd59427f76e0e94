using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Serial;

/// <summary>
/// One configured device with its profile loaded and the configuration's port overrides applied. Its
/// <see cref="Fingerprint"/> changes when anything that shapes its listener changes (the device's configuration or
/// its profile file's bytes): a reload restarts exactly the listeners whose fingerprint changed.
/// </summary>
internal sealed record SerialDevice(SerialDeviceOptions Options, string ProfileName, HardwareProfile Profile, string Fingerprint)
{
    public string Name => Options.Name;

    public string Port => Options.Port;
}

/// <summary>Finds and loads the profiles the configured devices name.</summary>
internal static class DeviceProfiles
{
    /// <summary>Where the package installs the shipped profiles.</summary>
    public const string InstalledDirectory = "/usr/share/imaging-edge/hardware-profiles";

    /// <summary>The configured folder, else the one beside the executable (a build), else the installed one.</summary>
    public static string DirectoryOf(SerialOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ProfilesDirectory))
            return Path.GetFullPath(options.ProfilesDirectory);
        var beside = Path.Combine(AppContext.BaseDirectory, "hardware-profiles");
        return Directory.Exists(beside) ? beside : InstalledDirectory;
    }

    /// <summary>A profile name (file name without <c>.json</c> in <paramref name="directory"/>) or a path to a file.</summary>
    public static string FileOf(string reference, string directory) =>
        reference.Contains('/', StringComparison.Ordinal) || reference.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? Path.GetFullPath(reference)
            : Path.Combine(directory, reference + ".json");

    /// <summary>The device with its profile, or the profile's errors (each with its JSON path).</summary>
    public static (SerialDevice? Device, IReadOnlyList<ProfileError> Errors) Load(SerialDeviceOptions options, string directory)
    {
        var file = FileOf(options.Profile, directory);
        var load = ProfileLoader.LoadFile(file);
        if (load.Profile is not { } profile || load.Errors.Count > 0)
            return (null, load.Errors);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, [new ProfileError("$", $"cannot be read: {e.Message}")]);
        }
        var fingerprint = Convert.ToHexString(SHA256.HashData([.. bytes, .. Encoding.UTF8.GetBytes(JsonSerializer.Serialize(options))]));
        return (new SerialDevice(options, load.Name, WithOverrides(profile, options), fingerprint), []);
    }

    /// <summary>The configuration's port settings win over the profile's (validated by <see cref="SerialOptionsValidator"/>).</summary>
    private static HardwareProfile WithOverrides(HardwareProfile profile, SerialDeviceOptions options) => profile with
    {
        Port = profile.Port with
        {
            BaudRate = options.BaudRate ?? profile.Port.BaudRate,
            DataBits = options.DataBits ?? profile.Port.DataBits,
            Parity = Kebab(options.Parity, profile.Port.Parity),
            StopBits = Kebab(options.StopBits, profile.Port.StopBits),
            Handshake = Kebab(options.Handshake, profile.Port.Handshake),
        },
    };

    /// <summary>"one-point-five" → OnePointFive: the profile format's spelling of an enum value.</summary>
    private static T Kebab<T>(string? value, T fallback) where T : struct, Enum =>
        value is not null && Enum.TryParse<T>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) ? parsed : fallback;
}
