using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// One s3rver (npm, installed by tests/peers/install.sh) on 127.0.0.1 and a free port, over its own folder, with the
/// given buckets. Objects are on disk, byte-exact, at <c>{Directory}/{bucket}/{key}._S3rver_object</c>. Killed on dispose.
/// </summary>
internal sealed class FaultS3rver : IAsyncDisposable
{
    public const string Credential = "S3RVER";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TemporaryDirectory _folder = new();

    private FaultS3rver(int port, IReadOnlyList<string> buckets)
    {
        Port = port;
        Directory = _folder.Combine("data");
        System.IO.Directory.CreateDirectory(Directory);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Executable(), "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--directory", Directory, "--silent" })
            start.ArgumentList.Add(argument);
        foreach (var bucket in buckets)
        {
            start.ArgumentList.Add("--configure-bucket");
            start.ArgumentList.Add(bucket);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start s3rver");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }
    public string Directory { get; }
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Starts s3rver and waits (at most 20 s) until it accepts connections.</summary>
    public static async Task<FaultS3rver> StartAsync(params string[] buckets)
    {
        var server = new FaultS3rver(GatewayProcess.FreePort(), buckets);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (server._process.HasExited) break;
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, server.Port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        var output = server.Output;
        await server.DisposeAsync();
        throw new InvalidOperationException($"s3rver did not start:\n{output}");
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Where s3rver keeps the bytes of an object.</summary>
    public string ObjectPath(string bucket, string key) => Path.Combine(Directory, bucket, key + "._S3rver_object");

    /// <summary>The stored bytes, or null when the object is not there.</summary>
    public byte[]? ReadObject(string bucket, string key) => File.Exists(ObjectPath(bucket, key)) ? File.ReadAllBytes(ObjectPath(bucket, key)) : null;

    /// <summary>The s3rver script: IMAGING_EDGE_TEST_S3RVER (tests/run.sh), else tests/peers/.node of this checkout.</summary>
    public static string Executable()
    {
        if (Environment.GetEnvironmentVariable("IMAGING_EDGE_TEST_S3RVER") is { Length: > 0 } configured && File.Exists(configured))
            return configured;
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "peers", ".node", "node_modules", ".bin", "s3rver");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("s3rver is missing: run tests/peers/install.sh");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _process.Dispose();
        _folder.Dispose();
    }
}
