using System.Globalization;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Retention;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// Free space on the data disk against <c>Retention:ReserveMegabytes</c> (below it new studies are refused) and
/// <c>Retention:HighWaterPercent</c> (above it retention deletes verified local copies).
/// </summary>
internal static class DiskCheck
{
    public const string Name = "disk";

    public static CheckResult Run(EdgeConfiguration configuration)
    {
        var retention = configuration.Retention;
        var folder = Path.GetFullPath(configuration.Gateway.DataDir);
        while (!Directory.Exists(folder) && Path.GetDirectoryName(folder) is { } parent)
            folder = parent; // a box not started yet: the disk the data folder will be made on
        DiskUsage usage;
        try
        {
            usage = DiskUsage.Of(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return CheckResult.Fail(Name, $"cannot read the disk of {folder}: {e.GetType().Name}", "check Gateway:DataDir");
        }
        var freeMegabytes = usage.FreeBytes / (1024 * 1024);
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{usage.FreeBytes / 1e9:0.0} GB free of {usage.TotalBytes / 1e9:0.0} GB ({usage.UsedPercent:0} % used) for {folder}; reserve {retention.ReserveMegabytes} MB, high-water {retention.HighWaterPercent} %");
        if (freeMegabytes < retention.ReserveMegabytes)
            return CheckResult.Fail(Name, detail, "below the reserve new studies are refused: free space on the data disk or lower Retention:ReserveMegabytes");
        if (freeMegabytes < 2 * retention.ReserveMegabytes)
            return CheckResult.Warn(Name, detail, "close to the reserve: free space on the data disk");
        if (usage.UsedPercent >= retention.HighWaterPercent)
            return CheckResult.Warn(Name, detail, "above the high-water mark retention deletes verified local copies: free space or use a larger disk");
        return CheckResult.Ok(Name, detail);
    }
}
