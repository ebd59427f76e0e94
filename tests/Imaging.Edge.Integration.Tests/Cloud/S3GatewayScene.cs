using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Integration.Tests.Cloud;

/// <summary>One row of the queue, read directly from queue.db.</summary>
internal sealed record QueueRow(long Id, string SopInstanceUid, string StudyUid, string? SeriesUid, string State, string? LastError,
    string? ObjectKey, string? Checkpoint, byte[] Sha256, string LocalPath, long Size);

/// <summary>
/// The real gateway (<c>imaging-edge run --config FILE</c>) with its uploads going to an s3rver bucket: a data folder,
/// key files, a configuration file written per start (a fresh DICOM port each time), and read-only looks into queue.db.
/// </summary>
internal sealed class S3GatewayScene : IAsyncDisposable
{
    public const string GatewayId = "edge-test";

    private readonly TemporaryDirectory _directory = new();
    private GatewayProcess? _gateway;
    private string _previousOutput = "";

    public S3GatewayScene(S3rverProcess s3, string site, string gatewayId = GatewayId)
    {
        S3 = s3;
        Site = site;
        Gateway = gatewayId;
        Directory.CreateDirectory(DataDir);
        File.WriteAllText(AccessKeyFile, S3rverProcess.AccessKey);
        File.WriteAllText(SecretKeyFile, S3rverProcess.SecretKey);
    }

    public S3rverProcess S3 { get; }
    public string Site { get; }

    /// <summary>This scene's Gateway:GatewayId (several scenes of one site stand for the gateways of one hospital).</summary>
    public string Gateway { get; }
    public string Root => _directory.Path;
    public string DataDir => _directory.Combine("data");
    public string AccessKeyFile => _directory.Combine("access-key");
    public string SecretKeyFile => _directory.Combine("secret-key");
    public string ConfigFile => _directory.Combine("edge.json");
    public int Port { get; private set; }
    public GatewayProcess Process => _gateway ?? throw new InvalidOperationException("the gateway is not running");

    /// <summary>Everything the gateway printed, over every start so far.</summary>
    public string Output => _previousOutput + (_gateway?.Output ?? "");

    /// <summary>The configuration file's JSON for this scene; <paramref name="upload"/> adds or overrides keys of the Upload section.</summary>
    public JsonObject Configuration(string? bucket = null, Action<JsonObject>? upload = null, int stableStudySeconds = 3600)
    {
        var uploadSection = new JsonObject
        {
            ["Destination"] = "s3",
            ["S3"] = new JsonObject
            {
                ["ServiceUrl"] = S3.ServiceUrl,
                ["Bucket"] = bucket ?? S3.Bucket,
                ["Region"] = S3rverProcess.Region,
                ["PathStyle"] = true,
                ["AccessKeyFile"] = AccessKeyFile,
                ["SecretKeyFile"] = SecretKeyFile,
            },
            ["Concurrency"] = 2,
            ["MaxRetryAttempts"] = 1,
            ["AttemptTimeoutSeconds"] = 60,
        };
        upload?.Invoke(uploadSection);
        return new JsonObject
        {
            ["Gateway"] = new JsonObject { ["SiteId"] = Site, ["GatewayId"] = Gateway, ["DataDir"] = DataDir },
            ["Dicom"] = new JsonObject { ["AeTitle"] = "IMAGING_EDGE", ["BindAddress"] = "127.0.0.1", ["Port"] = 11112 },
            ["Queue"] = new JsonObject { ["StableStudySeconds"] = stableStudySeconds },
            ["Upload"] = uploadSection,
        };
    }

    /// <summary>Writes the configuration (with a fresh DICOM port) and starts the gateway; returns once it listens.</summary>
    public async Task StartAsync(JsonObject configuration)
    {
        if (_gateway is not null) await StopAsync(kill: true);
        Port = GatewayProcess.FreePort();
        configuration["Dicom"]!["Port"] = Port;
        await File.WriteAllTextAsync(ConfigFile, configuration.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        _gateway = GatewayProcess.Start(["run", "--config", ConfigFile], new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Logging__LogLevel__Default"] = "Information",
        }, Root);
        await _gateway.WaitForPortAsync(Port, TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGKILL (power-loss stand-in) or SIGTERM; keeps the output for <see cref="Output"/>.</summary>
    public async Task StopAsync(bool kill)
    {
        if (_gateway is null) return;
        if (kill) _gateway.Kill(); else _gateway.Terminate();
        await _gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));
        _previousOutput += _gateway.Output + "\n--- gateway stopped ---\n";
        await _gateway.DisposeAsync();
        _gateway = null;
    }

    /// <summary>storescu, one association, all files; every one must be acknowledged.</summary>
    public async Task SendAsync(IEnumerable<string> files)
    {
        var list = files.ToList();
        var result = await ProcessRunner.RunAsync("storescu",
            ["-aet", "STORESCU", "-aec", "IMAGING_EDGE", "-nh", "127.0.0.1", Port.ToString(CultureInfo.InvariantCulture), .. list],
            TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, $"storescu failed ({result.ExitCode}):\n{result.Output}\n--- gateway ---\n{Output}");
    }

    /// <summary><c>imaging-edge queue ARGS --config FILE</c> (the field engineer's command), against this scene's data folder.</summary>
    public Task<ProcessResult> QueueCliAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "queue", "--config", ConfigFile, .. arguments], TimeSpan.FromSeconds(60),
            workingDirectory: Root);

    public IReadOnlyList<QueueRow> Rows()
    {
        var path = Path.Combine(DataDir, "queue.db");
        if (!File.Exists(path)) return [];
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT i.id, i.sop_instance_uid, s.study_uid, i.series_uid, i.state, i.last_error, i.object_key, i.upload_checkpoint, i.sha256, i.local_path, i.size
            FROM instances i JOIN studies s ON s.id = i.study_id ORDER BY i.id;
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<QueueRow>();
        while (reader.Read())
        {
            rows.Add(new QueueRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), (byte[])reader[8], reader.GetString(9), reader.GetInt64(10)));
        }
        return rows;
    }

    /// <summary>The study's pseudonym (studies.pseudonym), which names it in the default object keys.</summary>
    public string StudyPseudonym(string studyUid) =>
        StudyScalar("SELECT pseudonym FROM studies WHERE study_uid = $uid;", studyUid) as string ?? throw new InvalidOperationException("no such study in queue.db");

    /// <summary>studies.manifest_uploaded_version of a study (0 when none, or no such study yet).</summary>
    public int ManifestUploadedVersion(string studyUid) => StudyScalar("SELECT manifest_uploaded_version FROM studies WHERE study_uid = $uid;", studyUid) is long version ? (int)version : 0;

    /// <summary>A value of a study's row in queue.db (read-only, <c>$uid</c> = its Study Instance UID), or null when there is no such study.</summary>
    private object? StudyScalar(string sql, string studyUid)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDir, "queue.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$uid", studyUid);
        return command.ExecuteScalar();
    }

    /// <summary>Polls queue.db (every 100 ms, up to <paramref name="timeout"/>) until the condition holds over the rows; fails with the rows and the gateway's output.</summary>
    public async Task<IReadOnlyList<QueueRow>> WaitForRowsAsync(Func<IReadOnlyList<QueueRow>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<QueueRow> rows = [];
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                rows = Rows();
                if (condition(rows)) return rows;
            }
            catch (SqliteException)
            {
                // busy or not created yet: look again
            }
            await Task.Delay(100);
        }
        Assert.Fail($"{what}: not reached within {timeout}. Rows:\n" +
            string.Join("\n", rows.Select(r => $"  {r.Id} {r.State} {r.LastError} checkpoint={r.Checkpoint?.Length ?? 0} chars")) +
            $"\n--- gateway ---\n{Output}");
        return rows;
    }

    /// <summary>
    /// The bytes of a row's local file, once it is written: a small instance is acknowledged with its bytes in queue.db
    /// and may be uploaded from there before the file writer (which gives way while an association is open) writes it.
    /// </summary>
    public async Task<byte[]> LocalFileAsync(QueueRow row, TimeSpan timeout)
    {
        var path = Path.Combine(DataDir, row.LocalPath);
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(path) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(File.Exists(path), $"the file of {row.SopInstanceUid} was not written within {timeout}\n--- gateway ---\n{Output}");
        return await File.ReadAllBytesAsync(path);
    }

    public Task<IReadOnlyList<QueueRow>> WaitForAllUploadedAsync(int count, TimeSpan timeout) =>
        WaitForRowsAsync(rows => rows.Count == count && rows.All(r => r.State == "uploaded"), timeout, $"{count} rows uploaded");

    /// <summary>Number of parts the row's multipart checkpoint records as done (0 for none).</summary>
    public static int CheckpointParts(QueueRow row)
    {
        if (string.IsNullOrEmpty(row.Checkpoint)) return 0;
        using var document = JsonDocument.Parse(row.Checkpoint);
        return document.RootElement.TryGetProperty("Parts", out var parts) && parts.ValueKind == JsonValueKind.Array ? parts.GetArrayLength() : 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
