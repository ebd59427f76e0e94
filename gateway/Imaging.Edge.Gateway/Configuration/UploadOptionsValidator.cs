using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Throttling;

namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Checks the <c>Upload</c> section; each problem names its key.</summary>
internal static class UploadOptionsValidator
{
    public static void Validate(UploadOptions upload, List<string> problems)
    {
        var destination = upload.Destination;
        if (destination is not ("" or "s3") && !destination.StartsWith("file:", StringComparison.Ordinal))
            problems.Add($"Upload:Destination: must be empty (local folder under the data folder), 'file:PATH' or 's3' (was '{destination}')");
        if (destination.StartsWith("file:", StringComparison.Ordinal) && destination.Length == "file:".Length)
            problems.Add("Upload:Destination: 'file:' needs a folder");
        if (destination == "s3")
        {
            if (upload.S3 is null) problems.Add("Upload:S3: required when Upload:Destination is 's3'");
            else ValidateEndpoint("Upload:S3", upload.S3, problems);
        }
        if (upload.BackupS3 is not null) ValidateEndpoint("Upload:BackupS3", upload.BackupS3, problems);
        if (upload.Mode is not ("Failover" or "Both"))
            problems.Add($"Upload:Mode: must be Failover or Both (was '{upload.Mode}')");
        if (upload.Mode == "Both" && upload.BackupS3 is null)
            problems.Add("Upload:Mode: Both needs Upload:BackupS3");
        if (upload.Concurrency is < 1 or > 64)
            problems.Add($"Upload:Concurrency: must be between 1 and 64 (was {upload.Concurrency})");
        if (upload.PartConcurrency is < 1 or > 32)
            problems.Add($"Upload:PartConcurrency: must be between 1 and 32 (was {upload.PartConcurrency})");
        if (upload.MultipartThresholdMegabytes is < 5 or > 5 * 1024)
            problems.Add($"Upload:MultipartThresholdMegabytes: must be between 5 and 5120 (was {upload.MultipartThresholdMegabytes})");
        if (upload.PartSizeMegabytes is < 5 or > 5 * 1024)
            problems.Add($"Upload:PartSizeMegabytes: must be between 5 and 5120, S3's part limits (was {upload.PartSizeMegabytes})");
        if (upload.AttemptTimeoutSeconds is < 1 or > 86400)
            problems.Add($"Upload:AttemptTimeoutSeconds: must be between 1 and 86400 (was {upload.AttemptTimeoutSeconds})");
        if (upload.MaxRetryAttempts is < 0 or > 20)
            problems.Add($"Upload:MaxRetryAttempts: must be between 0 and 20 (was {upload.MaxRetryAttempts})");
        if (upload.CircuitBreakSeconds is < 1 or > 3600)
            problems.Add($"Upload:CircuitBreakSeconds: must be between 1 and 3600 (was {upload.CircuitBreakSeconds})");
        try
        {
            ObjectKeyTemplate.Parse(upload.KeyTemplate);
        }
        catch (FormatException e)
        {
            problems.Add($"Upload:KeyTemplate: {e.Message}");
        }
        for (var i = 0; i < upload.BandwidthSchedule.Count; i++)
        {
            var window = upload.BandwidthSchedule[i];
            foreach (var (name, value) in new[] { ("From", window.From), ("To", window.To) })
            {
                try
                {
                    BandwidthSchedule.ParseTime(value);
                }
                catch (FormatException e)
                {
                    problems.Add($"Upload:BandwidthSchedule:{i}:{name}: {e.Message}");
                }
            }
            if (window.MegabitsPerSecond is <= 0 or > 100_000)
                problems.Add($"Upload:BandwidthSchedule:{i}:MegabitsPerSecond: must be above 0 (was {window.MegabitsPerSecond})");
        }
    }

    private static void ValidateEndpoint(string key, S3EndpointOptions endpoint, List<string> problems)
    {
        if (!Uri.TryCreate(endpoint.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            problems.Add($"{key}:ServiceUrl: must be an http(s) URL (was '{endpoint.ServiceUrl}')");
        if (string.IsNullOrWhiteSpace(endpoint.Bucket))
            problems.Add($"{key}:Bucket: must not be empty");
        if (string.IsNullOrWhiteSpace(endpoint.Region))
            problems.Add($"{key}:Region: must not be empty");
        foreach (var (name, file) in new[] { ("AccessKeyFile", endpoint.AccessKeyFile), ("SecretKeyFile", endpoint.SecretKeyFile) })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
                problems.Add($"{key}:{name}: no such file: {file}");
        }
    }
}
