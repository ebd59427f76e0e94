using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Privacy;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// The bucket takes the gateway's writes: a probe object of random bytes (<see cref="ProbeBytes"/>) is put under this
/// gateway's prefix with the store the gateway uses (<see cref="S3ObjectStore"/>: Content-MD5, no chunked encoding),
/// read back (HEAD: the size, as upload verification does; it needs the same s3:GetObject right as a GET), and deleted.
/// The put's duration gives the upload rate. Failures name the S3 error code and what to change.
/// </summary>
internal static class S3Check
{
    public const int ProbeBytes = 2 * 1024 * 1024;

    public static async Task<CheckResult> RunAsync(string name, string endpointName, S3EndpointOptions endpoint, EdgeConfiguration configuration,
        string? credentialsDirectory, CancellationToken cancellationToken)
    {
        string accessKey, secretKey;
        try
        {
            accessKey = CredentialFiles.Read(endpoint.AccessKeyFile, $"{endpointName}-access-key", credentialsDirectory);
            secretKey = CredentialFiles.Read(endpoint.SecretKeyFile, $"{endpointName}-secret-key", credentialsDirectory);
        }
        catch (InvalidOperationException e)
        {
            return CheckResult.Fail(name, $"not tried: {e.Message}", "see the credentials line");
        }

        var gateway = configuration.Gateway;
        var prefix = ObjectKeyTemplate.Parse(configuration.Upload.KeyTemplate).GatewayPrefix(gateway.SiteId, gateway.GatewayId) ?? $"{gateway.SiteId}/{gateway.GatewayId}/";
        var key = $"{prefix}.doctor/probe-{Guid.NewGuid():N}.bin";
        var where = $"{endpoint.ServiceUrl.TrimEnd('/')}/{endpoint.Bucket}";
        var probe = Path.Combine(Path.GetTempPath(), $"imaging-edge-doctor-{Guid.NewGuid():N}.bin");
        using var store = new S3ObjectStore(new S3StoreOptions
        {
            ServiceUrl = endpoint.ServiceUrl,
            Bucket = endpoint.Bucket,
            Region = endpoint.Region,
            PathStyle = endpoint.PathStyle,
            AccessKey = accessKey,
            SecretKey = secretKey,
            RequestTimeout = TimeSpan.FromSeconds(60),
        }, "doctor");
        var step = "put";
        try
        {
            var bytes = RandomNumberGenerator.GetBytes(ProbeBytes);
            await File.WriteAllBytesAsync(probe, bytes, cancellationToken);
            var content = new ObjectContent(probe, 0, bytes.Length, MD5.HashData(bytes), Sha256: SHA256.HashData(bytes));
            var watch = Stopwatch.StartNew();
            await store.PutAsync(key, content, new Dictionary<string, string>(), cancellationToken);
            var seconds = watch.Elapsed.TotalSeconds;
            step = "read back";
            var info = await store.HeadAsync(key, cancellationToken);
            if (info is null || info.Size != bytes.Length)
                return CheckResult.Fail(name, $"{where}: the probe {key} was put but reads back {(info is null ? "as missing" : $"with {info.Size} bytes")}",
                    "the store does not keep what it acknowledges: ask its operator");
            step = "delete";
            await store.DeleteAsync(key, cancellationToken);
            var megabits = bytes.Length * 8 / 1e6 / Math.Max(seconds, 1e-6);
            return CheckResult.Ok(name, string.Create(CultureInfo.InvariantCulture,
                $"{where}: put, read back and deleted a {bytes.Length / (1024 * 1024)} MB probe under {prefix} at {megabits:0.0} Mbit/s"));
        }
        catch (ObjectStoreException e)
        {
            var left = step == "delete" ? $" (the probe {key} is left in the bucket)" : "";
            return CheckResult.Fail(name, $"{where}: {step} failed: {SafeText.Printable(e.Code ?? e.Message)}{left}", Hint(e, endpoint, prefix));
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private static string Hint(ObjectStoreException e, S3EndpointOptions endpoint, string prefix) => e.Code switch
    {
        "NoSuchBucket" => $"no bucket '{endpoint.Bucket}' there: check Upload:S3 Bucket and Region (a COS bucket name ends in -APPID)",
        "InvalidAccessKeyId" or "SignatureDoesNotMatch" =>
            "the access key or secret key is wrong: write the right ones with imaging-edge provision --access-key - --secret-key - (read from standard input)",
        "AccessDenied" or "AllAccessDisabled" => $"the key may not put, get and delete under {prefix}: grant s3:PutObject, s3:GetObject, s3:DeleteObject there",
        "RequestTimeTooSkewed" => "this box's clock is off: see the clock line (timedatectl set-ntp true)",
        "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException" => "the bucket is in another region: fix Upload:S3 Region and ServiceUrl",
        _ when e.Kind == ObjectStoreErrorKind.Transient => $"cannot reach {endpoint.ServiceUrl}: check the URL, DNS, the firewall and any proxy (outbound HTTPS)",
        _ => "check Upload:S3 (ServiceUrl, Bucket, Region, PathStyle) and the key's rights",
    };
}
