using System.CommandLine;
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
    public static Command Create()
    {
        var config = CommonOptions.Config();
        return new Command("profiles",
            "Serial-device profiles (hardware-profiles/*.json, docs/devices.md), without the gateway: list what the gateway " +
            "reads, check a profile, record a device and replay a recording offline.")
        {
            ListCommand(config),
            ValidateCommand(),
            ReplayCommand(config),
            CaptureCommand(config),
        };
    }

    private static Command ListCommand(Option<string?> config)
    {
        var command = new Command("list",
            "The hardware profiles the gateway reads (Serial:ProfilesDirectory, else the packaged ones), each with maker, model, " +
            "link, parser and output or INVALID; then the configured devices. Exit 1 when one is invalid.") { config };
        command.SetAction(async parse =>
            await CliConfiguration.TryLoadAsync(parse.GetValue(config)) is { } configuration ? await ProfileList.RunAsync(configuration) : ExitCodes.BadInput);
        return command;
    }

    private static Command ValidateCommand()
    {
        var files = new Argument<string[]>("FILE") { Description = "Profile files to check.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check serial-device profiles: every error with its JSON path. Exit 1 when one is invalid.") { files };
        command.SetAction(parse => ValidateAsync(parse.GetRequiredValue(files)));
        return command;
    }

    private static Command ReplayCommand(Option<string?> config)
    {
        var profile = new Argument<string>("PROFILE") { Description = "A profile file, or the name of a profile the gateway reads." };
        var capture = new Argument<string>("CAPTURE") { Description = "A capture file (profiles capture writes one): the bytes a device sent." };
        var outDir = new Option<string?>("--out") { Description = "Write the DICOM objects (SR or ophthalmic, and Raw Data) the gateway would store into this folder.", HelpName = "DIR" };
        var command = new Command("replay",
            "Run a capture through the profile's link and parser offline and print what was understood (no patient identity). " +
            "Exit 1 on a link or parse problem, 2 for a profile that does not load.") { profile, capture, outDir, config };
        command.SetAction(async parse => await ReplayAsync(await ProfileFileAsync(parse.GetRequiredValue(profile), parse.GetValue(config)),
            parse.GetRequiredValue(capture), parse.GetValue(outDir)));
        return command;
    }

    private static Command CaptureCommand(Option<string?> config)
    {
        var port = new Argument<string>("PORT") { Description = "The serial port, e.g. /dev/ttyUSB0." };
        var profile = new Option<string>("--profile") { Description = "The device's profile (a file or a name): port settings and link.", HelpName = "PROFILE", Required = true };
        var outFile = new Option<string>("--out") { Description = "The capture file to write. It holds patient data: handle it as such.", HelpName = "FILE", Required = true };
        var seconds = new Option<int?>("--seconds") { Description = "Stop after N seconds (1 to 86400; default: at Ctrl+C).", HelpName = "N" };
        seconds.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n && n is < 1 or > 86_400)
                result.AddError($"--seconds must be 1 to 86400 (was '{n}')");
        });
        var passive = new Option<bool>("--passive") { Description = "Only listen: do not answer the device (by default it is answered as the gateway would, ASTM: ACK)." };
        var command = new Command("capture",
            "Record what a device sends, byte for byte, for support or to write a profile (replay reads it). Stores nothing. " +
            "Stop the gateway first (it holds the port).") { port, profile, outFile, seconds, passive, config };
        command.SetAction(async parse => await CaptureAsync(parse.GetRequiredValue(port),
            await ProfileFileAsync(parse.GetRequiredValue(profile), parse.GetValue(config)), parse.GetRequiredValue(outFile),
            parse.GetValue(seconds) is { } n ? TimeSpan.FromSeconds(n) : null, parse.GetValue(passive)));
        return command;
    }

    /// <summary>A profile file, or a profile's name in the folder the gateway reads (<c>Serial:ProfilesDirectory</c>, else the packaged one).</summary>
    private static async Task<string> ProfileFileAsync(string reference, string? configFile)
    {
        if (File.Exists(reference))
            return reference;
        var configuration = await CliConfiguration.TryLoadAsync(configFile);
        return DeviceProfiles.FileOf(reference, DeviceProfiles.DirectoryOf(configuration?.Serial ?? new SerialOptions()));
    }

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
