using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Privacy;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// <c>imaging-edge doctor</c>: will this box work? Every check in the order an engineer fixes things — the
/// configuration, the secrets, the DICOM port, the serial ports, the bucket and the clock, the broker, the disk, the
/// service — each a line with what to do (<see cref="DoctorReport"/>). Runs beside the service (it takes nothing the
/// service holds). Exit 1 when any check failed, else 0.
/// </summary>
internal static class DoctorChecklist
{
    public static async Task<int> RunAsync(DoctorOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        var checks = await CheckAsync(options, cancellationToken);
        if (options.Json) DoctorReport.WriteJson(checks, output);
        else DoctorReport.WriteText(checks, output);
        return checks.Any(c => c.Outcome == CheckOutcome.Fail) ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static async Task<IReadOnlyList<CheckResult>> CheckAsync(DoctorOptions options, CancellationToken cancellationToken)
    {
        var source = options.ConfigFile ?? "embedded defaults (no --config)";
        EdgeConfiguration configuration;
        try
        {
            configuration = EdgeConfiguration.Load(options.ConfigFile);
        }
        catch (ConfigurationException e)
        {
            return [CheckResult.Fail("configuration", $"{source}: {SafeText.Printable(string.Join("; ", e.Problems))}",
                "fix the keys named (docs/configuration.md), or write the file again with imaging-edge provision; the other checks need a valid configuration")];
        }
        var checks = new List<CheckResult>
        {
            CheckResult.Ok("configuration", $"{source}: valid (site {configuration.Gateway.SiteId}, gateway {configuration.Gateway.GatewayId})"),
        };
        var serviceUser = ServiceUser.Find();
        checks.Add(await GuardedAsync(CredentialsCheck.Name, () => Task.FromResult(CredentialsCheck.Run(configuration, options.CredentialsDirectory, serviceUser))));
        checks.Add(await GuardedAsync(DicomPortCheck.Name, () => DicomPortCheck.RunAsync(configuration, cancellationToken)));
        if (configuration.Dicom.Tls.Enabled)
            checks.AddRange(GuardedLines("dicom-tls", () => DicomTlsCheck.Run(configuration.Dicom.Tls, options.CredentialsDirectory, serviceUser, DateTime.UtcNow)));
        checks.AddRange(SerialPortCheck.Run(configuration.Serial, serviceUser));
        var upload = configuration.Upload;
        if (upload.Destination == "s3" && upload.S3 is { } primary)
            await CheckEndpointAsync("primary", primary);
        else
            checks.Add(LocalDestination(configuration));
        if (upload.BackupS3 is { } backup)
            await CheckEndpointAsync("backup", backup);
        checks.Add(await GuardedAsync(MqttCheck.Name, () => MqttCheck.RunAsync(configuration, options.CredentialsDirectory, cancellationToken)));
        checks.Add(await GuardedAsync(DiskCheck.Name, () => Task.FromResult(DiskCheck.Run(configuration))));
        checks.Add(await GuardedAsync(ServiceCheck.Name, () => ServiceCheck.RunAsync(cancellationToken)));
        return checks;

        async Task CheckEndpointAsync(string name, S3EndpointOptions endpoint)
        {
            checks.Add(await GuardedAsync($"s3-{name}", () => S3Check.RunAsync($"s3-{name}", name, endpoint, configuration, options.CredentialsDirectory, cancellationToken)));
            checks.Add(await GuardedAsync($"s3-{name}-clock", () => ClockCheck.RunAsync($"s3-{name}-clock", endpoint.ServiceUrl, cancellationToken)));
        }
    }

    /// <summary>
    /// A check that throws what it did not foresee becomes its own ✗ line (the exception's type and printable message),
    /// so the engineer still gets every other line. Cancellation (Ctrl+C) still ends doctor.
    /// </summary>
    private static async Task<CheckResult> GuardedAsync(string name, Func<Task<CheckResult>> check)
    {
        try
        {
            return await check();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Unforeseen(name, e);
        }
    }

    private static CheckResult Unforeseen(string name, Exception e) =>
        CheckResult.Fail(name, $"the check itself failed: {e.GetType().Name}: {SafeText.Printable(e.Message)}", "run doctor again; if it repeats, send this line to support");

    /// <summary>As <see cref="GuardedAsync"/>, for a check of several lines: what it did not foresee becomes one ✗ line.</summary>
    private static IReadOnlyList<CheckResult> GuardedLines(string name, Func<IReadOnlyList<CheckResult>> check)
    {
        try
        {
            return check();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return [Unforeseen(name, e)];
        }
    }

    /// <summary>No S3: the uploads go to a folder, which is no copy off the box when it is inside the data folder.</summary>
    private static CheckResult LocalDestination(EdgeConfiguration configuration)
    {
        const string name = "upload-destination";
        var destination = configuration.Upload.Destination;
        if (destination.Length == 0)
            return CheckResult.Warn(name, $"no S3 destination: uploads go to {Path.Combine(configuration.Gateway.DataDir, "cloud")}, on this box",
                "configure a bucket: imaging-edge provision --destination cos|aws|minio|s3 --bucket NAME ...");
        var folder = Path.GetFullPath(destination["file:".Length..]);
        return Directory.Exists(folder)
            ? CheckResult.Ok(name, $"uploads go to the folder {folder}")
            : CheckResult.Warn(name, $"uploads go to the folder {folder}, which is not there yet", "mount or create it before studies arrive");
    }
}
