using System.CommandLine;
using System.Globalization;
using Imaging.Edge.Gateway.Erasure;
using Imaging.Edge.Gateway.Hosting;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>imaging-edge decommission [--force] [--config FILE]</c>, for returning or replacing a box. Refuses while a
/// gateway runs on the data folder (its <see cref="GatewayLock"/>), and while <see cref="Decommissioner.Survey"/>
/// finds anything not uploaded or an uploaded instance whose only copy is on the box, unless <c>--force</c>; then
/// <see cref="Decommissioner.Wipe"/> and a report for the field engineer.
/// </summary>
internal static class DecommissionVerb
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var force = new Option<bool>("--force")
        {
            Description = "Wipe even instances that are not uploaded yet, or whose only copy is in a file store inside the data folder (they are lost).",
        };
        var command = new Command("decommission",
            "Wipe the box before it is returned or replaced: queue, spool, studies, quarantine, the site secret and the key " +
            "files the configuration names; leaves decommissioned.json. Refuses while the gateway runs, and (unless --force) " +
            "while anything is not uploaded or its only uploaded copy is on this box. Stop the service first.")
        {
            force,
            config,
        };
        command.SetAction(parse => ExecuteAsync(parse.GetValue(config), parse.GetValue(force)));
        return command;
    }

    public static async Task<int> ExecuteAsync(string? configFile, bool force)
    {
        if (await CliConfiguration.TryLoadAsync(configFile) is not { } configuration)
            return ExitCodes.BadInput;
        var layout = DataLayout.From(configuration.Gateway);
        if (!Directory.Exists(layout.Root))
        {
            await Console.Error.WriteLineAsync($"no data folder at {layout.Root}: nothing to decommission");
            return ExitCodes.Failure;
        }

        using var gatewayLock = GatewayLock.TryAcquire(layout.Root);
        if (gatewayLock is null)
        {
            await Console.Error.WriteLineAsync($"a gateway is running on {layout.Root} ({GatewayLock.FileName} is locked): stop it first (systemctl stop imaging-edge)");
            return ExitCodes.Failure;
        }
        var survey = Decommissioner.Survey(configuration, layout);
        if (survey.QueueError is { } queueError)
        {
            await Console.Error.WriteLineAsync($"{Path.Combine(layout.Root, QueueDatabase.FileName)}: {queueError} (use --force to wipe it anyway)");
            if (!force) return ExitCodes.Failure;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"queue: {survey.Count(InstanceStates.Pending)} pending, {survey.Count(InstanceStates.Uploading)} uploading, {survey.Count(InstanceStates.Failed)} failed, {survey.Count(InstanceStates.Erasing)} erasing, {survey.Count(InstanceStates.Uploaded)} uploaded"));
        if (survey.NotUploaded > 0 && !force)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"refusing: {survey.NotUploaded} instances are not uploaded; wait for the uploads (imaging-edge status), or give --force to wipe them anyway"));
            return ExitCodes.Failure;
        }
        if (survey.OnlyOnThisBox > 0)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(force ? "wiping anyway (--force)" : "refusing")}: {survey.OnlyOnThisBox} uploaded instances have their only copy on this box, in the file store {string.Join(", ", survey.OnBoxFolders)} inside the data folder (Upload:Destination is not set, or names a folder under Gateway:DataDir)"));
            if (!force)
            {
                await Console.Error.WriteLineAsync("copy that folder off the box (or configure an S3 destination and resend the studies) first, or give --force to wipe them anyway");
                return ExitCodes.Failure;
            }
        }

        var report = Decommissioner.Wipe(configuration, layout, survey, force, GatewayLock.FileName);
        var wipe = report.Wipe;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decommissioned {layout.Root}{(force ? " (forced)" : "")}:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  removed {wipe.Files} files and {wipe.Folders} folders (queue, spool, studies, quarantine{(survey.OnBoxFolders.Count > 0 ? ", file store in the data folder" : "")})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  removed {wipe.Secrets} secret files (site secret, S3 keys named in the configuration)"));
        foreach (var problem in wipe.Problems) Console.WriteLine($"  NOT removed: {problem}");
        if (report.LeftInDataDir.Count > 0) Console.WriteLine($"  left in the data folder (not ours to remove): {string.Join(", ", report.LeftInDataDir)}");
        Console.WriteLine("  systemd credentials, journald logs and the configuration file are not touched: remove them as docs/erasure.md says");
        Console.WriteLine($"  summary: {report.SummaryPath}");
        Console.WriteLine("  unlinking does not sanitise flash: destroy the disk encryption key (or the disk) before the box leaves");
        return wipe.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
