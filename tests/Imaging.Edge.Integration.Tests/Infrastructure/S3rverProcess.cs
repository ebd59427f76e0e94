using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// s3rver (npm, pinned by tests/peers/install.sh) on 127.0.0.1 and a free port, over a fresh folder, with one bucket
/// configured at start-up. Its only account is access key <see cref="AccessKey"/>, secret <see cref="SecretKey"/>, and
/// it checks request signatures. Objects are read back through AWSSDK.S3 configured as the product configures it.
/// </summary>
public sealed class S3rverProcess : IDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Region = "us-east-1";

    private readonly TemporaryDirectory _directory = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly AmazonS3Client _client;

    public S3rverProcess(string bucket)
    {
        Bucket = bucket;
        Port = GatewayProcess.FreePort();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory.Path,
        };
        foreach (var argument in new[]
        {
            Executable, "--address", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--directory", _directory.Path, "--configure-bucket", bucket, "--silent",
        })
            start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start s3rver");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitForPort(TimeSpan.FromSeconds(20));
        _client = CreateClient(AccessKey, SecretKey);
    }

    /// <summary>The s3rver script: <c>IMAGING_EDGE_TEST_S3RVER</c> (set by tests/run.sh), else tests/peers/.node of this checkout.</summary>
    public static string Executable
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("IMAGING_EDGE_TEST_S3RVER");
            if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment)) return fromEnvironment;
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Imaging.Edge.sln")))
                directory = directory.Parent;
            Assert.True(directory is not null, "no Imaging.Edge.sln above the test binaries: cannot find s3rver");
            var path = Path.Combine(directory.FullName, "tests", "peers", ".node", "node_modules", ".bin", "s3rver");
            Assert.True(File.Exists(path), $"{path} is missing: run tests/peers/install.sh");
            return path;
        }
    }

    public string Bucket { get; }
    public int Port { get; }
    public string ServiceUrl => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";
    public string DataDirectory => _directory.Path;
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>The client the tests use to look into the bucket (right credentials).</summary>
    public IAmazonS3 Client => _client;

    /// <summary>
    /// A client configured exactly as S3ObjectStore configures its own: path style, checksums only when required,
    /// one SDK retry.
    /// </summary>
    public AmazonS3Client CreateClient(string accessKey, string secretKey) => new(new BasicAWSCredentials(accessKey, secretKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl,
        ForcePathStyle = true,
        AuthenticationRegion = Region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        MaxErrorRetry = 1,
        Timeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>The object's bytes as s3rver serves them (GET).</summary>
    public async Task<byte[]> ReadObjectAsync(string key, string? bucket = null)
    {
        using var response = await _client.GetObjectAsync(bucket ?? Bucket, key);
        using var memory = new MemoryStream();
        await response.ResponseStream.CopyToAsync(memory);
        return memory.ToArray();
    }

    /// <summary>User metadata of the object (names without the x-amz-meta- prefix, lower case).</summary>
    public async Task<Dictionary<string, string>> MetadataAsync(string key, string? bucket = null)
    {
        var response = await _client.GetObjectMetadataAsync(bucket ?? Bucket, key);
        return response.Metadata.Keys.ToDictionary(
            k => (k.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? k["x-amz-meta-".Length..] : k).ToLowerInvariant(),
            k => response.Metadata[k],
            StringComparer.Ordinal);
    }

    /// <summary>True when the key holds an object.</summary>
    public async Task<bool> ExistsAsync(string key, string? bucket = null)
    {
        try
        {
            await _client.GetObjectMetadataAsync(bucket ?? Bucket, key);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Every key under a prefix (bounded: 100 pages).</summary>
    public async Task<List<string>> ListKeysAsync(string prefix, string? bucket = null)
    {
        var keys = new List<string>();
        string? token = null;
        for (var page = 0; page < 100; page++)
        {
            var response = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket ?? Bucket, Prefix = prefix, ContinuationToken = token });
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            if (response.IsTruncated != true) break;
            token = response.NextContinuationToken;
        }
        return keys;
    }

    /// <summary>s3rver's own files of an object (byte-exact body, and its metadata JSON).</summary>
    public string ObjectFile(string key, string? bucket = null) => Path.Combine(_directory.Path, bucket ?? Bucket, key + "._S3rver_object");

    public string MetadataFile(string key, string? bucket = null) => Path.Combine(_directory.Path, bucket ?? Bucket, key + "._S3rver_metadata.json");

    /// <summary>s3rver's file of one part of a pending multipart upload (gone once the upload completes or is aborted).</summary>
    public string PartFile(string uploadId, int partNumber, string? bucket = null) =>
        Path.Combine(_directory.Path, bucket ?? Bucket, "._S3rver_uploads", uploadId, partNumber.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Watches s3rver's folder of pending multipart uploads (<c>{bucket}/._S3rver_uploads/{uploadId}/{partNumber}</c>, removed
    /// when the upload completes) every 20 ms until cancelled (two minutes at most), and returns every part number seen in uploads started after the call. A single PUT leaves none.
    /// </summary>
    public async Task<IReadOnlySet<int>> WatchPartFilesAsync(CancellationToken cancellationToken, string? bucket = null)
    {
        var seen = new HashSet<int>();
        var uploads = Path.Combine(_directory.Path, bucket ?? Bucket, "._S3rver_uploads");
        // Uploads left by earlier tests (an interrupted one) are not this one's.
        var earlier = System.IO.Directory.Exists(uploads) ? System.IO.Directory.GetDirectories(uploads).ToHashSet(StringComparer.Ordinal) : [];
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2); // bounded even if the caller never cancels
        while (!cancellationToken.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            try
            {
                if (System.IO.Directory.Exists(uploads))
                {
                    foreach (var file in System.IO.Directory.EnumerateFiles(uploads, "*", SearchOption.AllDirectories))
                    {
                        if (earlier.Contains(Path.GetDirectoryName(file)!)) continue;
                        if (int.TryParse(Path.GetFileName(file), NumberStyles.None, CultureInfo.InvariantCulture, out var part))
                            seen.Add(part);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // removed while we looked: look again
            }
            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return seen;
    }

    private void WaitForPort(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                Assert.Fail($"s3rver exited with {_process.ExitCode} before listening:\n{Output}");
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        Assert.Fail($"s3rver did not listen on {Port} within {timeout}:\n{Output}");
    }

    public void Dispose()
    {
        _client.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _directory.Dispose();
    }
}
