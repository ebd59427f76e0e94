using System.Diagnostics;
using System.Globalization;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// The systemd unit's state and why it last stopped (<c>systemctl show imaging-edge</c>), when systemd runs this box;
/// not applicable otherwise (a container, a development machine).
/// </summary>
internal static class ServiceCheck
{
    public const string Name = "service";
    public const string Unit = "imaging-edge";

    public static async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var properties = await ShowAsync(cancellationToken);
        if (properties is null || !properties.TryGetValue("ActiveState", out var state))
            return CheckResult.Skip(Name, "not applicable: systemd is not running here (or systemctl is missing)");
        if (properties.GetValueOrDefault("LoadState") == "not-found")
            return CheckResult.Warn(Name, $"the unit {Unit} is not installed", "install the package (README: install on a box)");
        var restarts = properties.GetValueOrDefault("NRestarts", "0");
        var result = properties.GetValueOrDefault("Result", "");
        var status = properties.GetValueOrDefault("ExecMainStatus", "");
        var detail = string.Create(CultureInfo.InvariantCulture, $"{state}, restarted {restarts} times, last result {result} (exit status {status})");
        return state switch
        {
            "active" when restarts == "0" => CheckResult.Ok(Name, detail),
            "active" => CheckResult.Warn(Name, detail, $"it restarted: journalctl -u {Unit} -p warning shows why"),
            "failed" => CheckResult.Fail(Name, detail, $"journalctl -u {Unit} -n 100 shows why; then systemctl restart {Unit}"),
            "inactive" => CheckResult.Warn(Name, detail, $"not running: systemctl enable --now {Unit} once provisioned"),
            _ => CheckResult.Warn(Name, detail, $"starting or stopping: run doctor again in a minute; journalctl -u {Unit} -f"),
        };
    }

    private static async Task<Dictionary<string, string>?> ShowAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists("/run/systemd/system")) return null; // systemd's own test (sd_booted)
        var start = new ProcessStartInfo("systemctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "show", Unit, "-p", "LoadState,ActiveState,Result,NRestarts,ExecMainStatus" })
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            string output;
            try
            {
                output = await process.StandardOutput.ReadToEndAsync(deadline.Token);
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(); // a hung systemctl (a D-Bus that does not answer) must not outlive doctor
                throw;
            }
            if (process.ExitCode != 0) return null;
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException or IOException)
        {
            return null;
        }
    }
}
