using System.Globalization;
using Imaging.Edge.Devices.Output;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Replay;
using Imaging.Edge.Dicom.Data.Writing;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Serial;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// Field-engineer tools for serial-device profiles (docs/devices.md), without the gateway:
/// <c>profiles list</c> shows the profiles the gateway would read (<see cref="ProfileList"/>);
/// <c>profiles capture</c> records what a device sends (<see cref="ProfileCapture"/>);
/// <c>profiles validate FILE...</c> reports every error of each profile with its JSON path;
/// <c>profiles replay PROFILE CAPTURE [--out DIR]</c> runs a capture (the bytes as the device sent them) through the
/// profile's link and parser, prints what was understood, and with <c>--out</c> writes the DICOM objects the gateway
/// would store. Prints no patient identity: whether a result names a patient, not who.
/// </summary>
internal static class ProfilesVerb
{
    private const string UsageText = "usage: imaging-edge profiles list [--config FILE] | profiles validate FILE... | " +
        "profiles replay PROFILE CAPTURE [--out DIR] | profiles capture PORT --profile PROFILE --out FILE [--seconds N] [--passive]";

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args)
    {
        var arguments = Arguments.Parse(args, valued: new HashSet<string> { "out", "config", "profile", "seconds" }, flags: new HashSet<string> { "passive" });
        return arguments.Positional.FirstOrDefault() switch
        {
            "list" when arguments.Positional.Count == 1 =>
                await CliConfiguration.TryLoadAsync(arguments.Option("config")) is { } configuration ? await ProfileList.RunAsync(configuration) : ExitCodes.BadInput,
            "validate" when arguments.Positional.Count > 1 => await ValidateAsync(arguments.Positional.Skip(1).ToList()),
            "replay" when arguments.Positional.Count == 3 =>
                await ReplayAsync(await ProfileFileAsync(arguments.Positional[1], arguments.Option("config")), arguments.Positional[2], arguments.Option("out")),
            "capture" when arguments.Positional.Count == 2 && arguments.Option("profile") is { } profile && arguments.Option("out") is { } outFile =>
                await CaptureAsync(arguments.Positional[1], await ProfileFileAsync(profile, arguments.Option("config")), outFile, Seconds(arguments.Option("seconds")), arguments.Flag("passive")),
            _ => throw new UsageException(UsageText),
        };
    }

    /// <summary>A profile file, or a profile's name in the folder the gateway reads (<c>Serial:ProfilesDirectory</c>, else the packaged one).</summary>
    private static async Task<string> ProfileFileAsync(string reference, string? configFile)
    {
        if (File.Exists(reference))
            return reference;
        var configuration = await CliConfiguration.TryLoadAsync(configFile);
        return DeviceProfiles.FileOf(reference, DeviceProfiles.DirectoryOf(configuration?.Serial ?? new SerialOptions()));
    }

    private static TimeSpan? Seconds(string? text) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 86_400 ? TimeSpan.FromSeconds(seconds)
        : throw new UsageException($"--seconds must be 1 to 86400 (was '{text}')");

    /// <summary>Exit 0 when the capture ran, 1 when the port could not be opened, 2 for a profile that does not load.</summary>
    private static async Task<int> CaptureAsync(string port, string profileFile, string outFile, TimeSpan? duration, bool passive)
    {
        var load = ProfileLoader.LoadFile(profileFile);
        if (load.Profile is not { } profile || load.Errors.Count > 0)
        {
            foreach (var error in load.Errors)
                await Console.Error.WriteLineAsync($"{profileFile}: {SafeText.Printable(error.ToString())}");
            return ExitCodes.BadInput;
        }
        return await ProfileCapture.RunAsync(port, profile, outFile, duration, passive);
    }

    /// <summary>Exit 0 when every file is a valid profile, 1 otherwise.</summary>
    private static async Task<int> ValidateAsync(IReadOnlyList<string> files)
    {
        var invalid = 0;
        foreach (var file in files)
        {
            var load = ProfileLoader.LoadFile(file);
            if (load.Profile is { } profile && load.Errors.Count == 0)
            {
                Console.WriteLine($"{file}: valid ({SafeText.Printable(profile.Identity.Vendor)} {SafeText.Printable(profile.Identity.Model)})");
                continue;
            }
            invalid++;
            foreach (var error in load.Errors)
                await Console.Error.WriteLineAsync($"{file}: {SafeText.Printable(error.ToString())}");
        }
        return invalid == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>Exit 0 when the capture parsed without a link or parse problem, 1 otherwise, 2 for a profile that does not load.</summary>
    private static async Task<int> ReplayAsync(string profileFile, string captureFile, string? outDir)
    {
        var load = ProfileLoader.LoadFile(profileFile);
        if (load.Profile is not { } profile || load.Errors.Count > 0)
        {
            foreach (var error in load.Errors)
                await Console.Error.WriteLineAsync($"{profileFile}: {SafeText.Printable(error.ToString())}");
            return ExitCodes.BadInput;
        }
        var capture = await File.ReadAllBytesAsync(captureFile);
        var replay = CaptureReplay.Run(profile, capture, TimeProvider.System);
        foreach (var problem in replay.LinkProblems)
            Console.WriteLine($"link: {problem.Kind}: {SafeText.Printable(problem.Detail)}");
        foreach (var problem in replay.Outcome.Problems)
            Console.WriteLine($"parse: {SafeText.Printable(problem.ToString())}");
        var messages = replay.Outcome.Messages;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"message {m + 1}: {message.Results.Count} results{(message.Dropped is { } why ? $", dropped ({SafeText.Printable(why)})" : "")}"));
            foreach (var result in message.Results)
                Console.WriteLine($"  {SafeText.Printable(result.TestCode)} = {SafeText.Printable(result.Value)} {SafeText.Printable(result.Units ?? "")}" +
                    $"{(string.IsNullOrEmpty(result.PatientId) ? " (no patient identity)" : " (patient identified)")}");
        }
        if (outDir is not null)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Write(profile, load.Name, capture, replay, outDir)} DICOM files to {outDir}"));
        return replay.LinkProblems.Count == 0 && replay.Outcome.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>The objects the gateway would store for each message, as Part 10 files named by SOP Instance UID.</summary>
    private static int Write(HardwareProfile profile, string profileName, byte[] capture, ReplayResult replay, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var uids = new UidGenerator(null);
        var device = DeviceSource.Of("replay", profileName, profile, uids.Next());
        var written = 0;
        foreach (var message in replay.Outcome.Messages)
        {
            foreach (var dicom in DeviceOutputBuilder.Build(message, capture, profile, device, DateTime.Now, uids))
            {
                var header = Part10Writer.BuildHeader(new FileMetaInformation(dicom.SopClassUid, dicom.SopInstanceUid, dicom.TransferSyntaxUid,
                    ImplementationInfo.ClassUid, ImplementationInfo.VersionName, "REPLAY"));
                using var file = File.Create(Path.Combine(outDir, dicom.SopInstanceUid + ".dcm"));
                file.Write(header);
                file.Write(dicom.DataSet);
                written++;
            }
        }
        return written;
    }
}
