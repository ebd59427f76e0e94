using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>One row of <c>instances</c> in queue.db, as the fault tests look at it.</summary>
internal sealed record FaultRow(long Id, string SopInstanceUid, long Size, string LocalPath, string State, int Attempts,
    DateTimeOffset NextAttemptAt, string? LastError, string? ObjectKey, string? Destination, DateTimeOffset ReceivedAt);

/// <summary>
/// The real <c>imaging-edge run</c> process uploading to S3 (s3rver, directly or through a <see cref="FaultProxy"/>), over a
/// fresh data folder, with a config file written from the given <c>Upload</c> section. Keys are files holding S3RVER.
/// </summary>
internal sealed class FaultGateway : IAsyncDisposable
{
    private readonly TemporaryDirectory _folder;
    private readonly GatewayProcess _process;

    private FaultGateway(TemporaryDirectory folder, GatewayProcess process, int port)
    {
        _folder = folder;
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public string DataDir => _folder.Combine("data");
    public string Output => _process.Output;

    /// <summary>An <c>Upload:S3</c>-style endpoint object, path style, S3RVER keys from files in <paramref name="folder"/>.</summary>
    public static JsonObject Endpoint(string serviceUrl, string bucket, string keyFolder) => new()
    {
        ["ServiceUrl"] = serviceUrl,
        ["Bucket"] = bucket,
        ["Region"] = "us-east-1",
        ["PathStyle"] = true,
        ["AccessKeyFile"] = Path.Combine(keyFolder, "access-key"),
        ["SecretKeyFile"] = Path.Combine(keyFolder, "secret-key"),
    };

    /// <summary>Starts the gateway with <paramref name="upload"/> (whose endpoints came from <see cref="Endpoint"/> with <see cref="KeyFolder"/>),
    /// and <paramref name="environment"/> (e.g. IMAGING_EDGE_TEST_FAULT). A second start over the same folder is a restart.</summary>
    public static async Task<FaultGateway> StartAsync(TemporaryDirectory folder, JsonObject upload, IReadOnlyDictionary<string, string>? environment = null,
        JsonObject? retention = null, int stableStudySeconds = 3600)
    {
        var port = GatewayProcess.FreePort();
        var config = new JsonObject
        {
            ["Gateway"] = new JsonObject { ["DataDir"] = folder.Combine("data"), ["SiteId"] = "site", ["GatewayId"] = "faults" },
            ["Dicom"] = new JsonObject { ["Port"] = port, ["BindAddress"] = "127.0.0.1" },
            ["Queue"] = new JsonObject { ["StableStudySeconds"] = stableStudySeconds },
            ["Upload"] = upload,
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Information" } },
        };
        if (retention is not null) config["Retention"] = retention;
        var path = folder.Combine("edge.json");
        await File.WriteAllTextAsync(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var process = GatewayProcess.Start(["run", "--config", path], environment ?? new Dictionary<string, string>(), folder.Path);
        var gateway = new FaultGateway(folder, process, port);
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        return gateway;
    }

    /// <summary>
    /// Waits until the running gateway's status (<c>imaging-edge status --json</c> over the control socket) reports the
    /// endpoint's circuit as no longer open: its break is over and the next upload may go there.
    /// </summary>
    public async Task WaitForCircuitNotOpenAsync(string endpoint, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var status = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "status", "--json", "--config", _folder.Combine("edge.json")],
                workingDirectory: _folder.Path);
            if (status.StandardOutput.TrimStart().StartsWith('{'))
            {
                using var document = JsonDocument.Parse(status.StandardOutput);
                last = document.RootElement.GetProperty("upload").GetProperty("circuits").GetProperty(endpoint).GetString();
                if (last != "open") return;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"the circuit of {endpoint} was still {last ?? "unknown"} after {timeout}");
    }

    /// <summary>A folder with the key files (both hold S3RVER), for <see cref="Endpoint"/>.</summary>
    public static string KeyFolder(TemporaryDirectory folder)
    {
        var keys = folder.Combine("keys");
        Directory.CreateDirectory(keys);
        File.WriteAllText(Path.Combine(keys, "access-key"), FaultS3rver.Credential);
        File.WriteAllText(Path.Combine(keys, "secret-key"), FaultS3rver.Credential);
        return keys;
    }

    /// <summary>storescu of the files over one association; every one must be acknowledged.</summary>
    public async Task SendAsync(IEnumerable<string> files)
    {
        var result = await ProcessRunner.RunAsync("storescu",
            ["-aec", "IMAGING_EDGE", "-nh", "127.0.0.1", Port.ToString(CultureInfo.InvariantCulture), .. files], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Output + "\n" + Output);
    }

    public List<FaultRow> Rows()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDir, "queue.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 10,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, sop_instance_uid, size, local_path, state, attempts, next_attempt_at, last_error, object_key, destination, received_at
            FROM instances ORDER BY id;
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<FaultRow>();
        while (reader.Read())
        {
            rows.Add(new FaultRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10))));
        }
        return rows;
    }

    /// <summary>Polls the queue (every <paramref name="every"/>) until <paramref name="done"/> holds or the time is up; returns the last rows seen.</summary>
    public async Task<List<FaultRow>> WaitForAsync(Func<List<FaultRow>, bool> done, TimeSpan timeout, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var rows = Rows();
        while (!done(rows) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(200));
            rows = Rows();
        }
        return rows;
    }

    /// <summary>SIGKILL (power-loss stand-in).</summary>
    public void Kill() => _process.Kill();

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public string LocalFile(FaultRow row) => Path.Combine(DataDir, row.LocalPath);

    /// <summary>The configuration file this gateway runs with (for the command line beside it).</summary>
    public string ConfigFile => _folder.Combine("edge.json");

    /// <summary>
    /// The local copy's bytes: its file, or — a small instance whose file the gateway has not written yet (it waits for
    /// the associations to end, and uploads read the queue) — its bytes in <c>pending_files</c>.
    /// </summary>
    public byte[] LocalBytes(FaultRow row)
    {
        var path = LocalFile(row);
        if (File.Exists(path)) return File.ReadAllBytes(path);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDir, "queue.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 10,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT bytes FROM pending_files WHERE instance_id = $id;";
        command.Parameters.AddWithValue("$id", row.Id);
        // written in the meantime: the file is there now (renamed into place complete)
        return command.ExecuteScalar() as byte[] ?? File.ReadAllBytes(path);
    }

    public static string Describe(IEnumerable<FaultRow> rows) =>
        string.Join("\n", rows.Select(r => $"#{r.Id} {r.State} attempts={r.Attempts} next={r.NextAttemptAt:HH:mm:ss.fff} dest={r.Destination} error={r.LastError}"));

    /// <summary>Postponements from the log ("Instance N: upload postponed until T: reason"), with the log line's own time.</summary>
    public List<(long Instance, DateTimeOffset LoggedAt, DateTimeOffset RetryAt, string Reason)> Postpones()
    {
        var list = new List<(long, DateTimeOffset, DateTimeOffset, string)>();
        foreach (var line in Output.Split('\n'))
        {
            var match = System.Text.RegularExpressions.Regex.Match(line,
                @"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*Instance (\d+): upload postponed until (\S+): (.*)$");
            if (!match.Success) continue;
            var logged = DateTimeOffset.ParseExact(match.Groups[1].Value, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var retry = DateTimeOffset.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
            list.Add((long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), logged, retry, match.Groups[4].Value.Trim()));
        }
        return list;
    }

    /// <summary>Retries of the resilience pipeline from the log ("Endpoint E: attempt N in D after R").</summary>
    public List<(string Endpoint, int Attempt, TimeSpan Delay, string Reason)> PipelineRetries()
    {
        var list = new List<(string, int, TimeSpan, string)>();
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(Output,
                     @"Endpoint (\S+): attempt (\d+) in (\S+) after ([^\r\n]*)"))
            list.Add((match.Groups[1].Value, int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                TimeSpan.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture), match.Groups[4].Value));
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
