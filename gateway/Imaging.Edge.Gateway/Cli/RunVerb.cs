using System.CommandLine;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Hosting;
using Microsoft.Extensions.Hosting;

namespace Imaging.Edge.Gateway.Cli;

/// <summary><c>imaging-edge run</c>: load and validate the configuration, then run the host until stopped.</summary>
internal static class RunVerb
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var command = new Command("run",
            "Run the gateway (what the service does): receive DICOM and serial results, keep them, upload them. " +
            "Without --config it runs on its embedded defaults (DICOM on port 11112, data under ./var). Stops on Ctrl+C or SIGTERM.")
        {
            config,
        };
        command.SetAction(parse => ExecuteAsync(parse.GetValue(config)));
        return command;
    }

    public static async Task<int> ExecuteAsync(string? configFile)
    {
        if (await CliConfiguration.TryLoadAsync(configFile) is not { } configuration)
            return ExitCodes.BadInput;
        if (ServiceManager.StartedUs() && Erasure.OnBoxStore.ConfiguredFolder(configuration.Upload, Intake.DataLayout.From(configuration.Gateway)) is { } onBox)
        {
            await Console.Error.WriteLineAsync(DevelopmentStoreRefused(onBox));
            return ExitCodes.BadInput;
        }
        // One gateway per data folder; decommission and erase-patient see it by this lock, which needs the folder (made
        // durably, its entry synced in its parent: everything acknowledged later lives in it).
        var dataDir = Path.GetFullPath(configuration.Gateway.DataDir);
        FileModes.RestrictNewFiles();
        var createdNow = !Directory.Exists(dataDir);
        new Intake.DataLayout(dataDir).EnsureCreated();
        FileModes.SecureDataFolder(dataDir, createdNow);
        using var instanceLock = GatewayLock.TryAcquire(dataDir);
        if (instanceLock is null)
        {
            await Console.Error.WriteLineAsync($"imaging-edge: another gateway is running on {dataDir} ({GatewayLock.FileName} is locked)");
            return ExitCodes.Failure;
        }
        using var host = GatewayHost.Build(configuration);
        try
        {
            await host.RunAsync();
        }
        catch (ConfigurationException e)
        {
            // A setting that only the running host can check (the site secret file, the S3 key files).
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.BadInput;
        }
        return ExitCodes.Success;
    }

    private static string DevelopmentStoreRefused(string folder) =>
        $"""
        imaging-edge: Upload:Destination: uploads would go to {folder}, inside the data folder
          (Gateway:DataDir): that is no cloud copy, and a service must not run with it (it is the development default).
          Set Upload:Destination to "s3" with Upload:S3 (ServiceUrl, Bucket, Region, key files or credentials), or to
          "file:PATH" on another disk, in the configuration file (see packaging/examples/ and the README, "Configuration").
        """;
}
