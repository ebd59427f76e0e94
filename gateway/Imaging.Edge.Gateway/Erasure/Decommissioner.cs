using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>What the queue says before a decommission: instances per state, and how many have their only copy on the box.</summary>
internal sealed record DecommissionSurvey(IReadOnlyDictionary<string, long> Counts, long OnlyOnThisBox, IReadOnlyList<string> OnBoxFolders, string? QueueError)
{
    public long Count(string state) => Counts.GetValueOrDefault(state);

    /// <summary>Pending, uploading, failed or being erased: not safely in the cloud.</summary>
    public long NotUploaded => Count(InstanceStates.Pending) + Count(InstanceStates.Uploading) + Count(InstanceStates.Failed) + Count(InstanceStates.Erasing);
}

/// <summary>What a decommission removed, and where its summary is.</summary>
internal sealed record DecommissionReport(FileWipe Wipe, IReadOnlyList<string> LeftInDataDir, string SummaryPath);

/// <summary>
/// Returning or replacing a box: the survey that decides whether it is safe (nothing not uploaded, no uploaded instance
/// whose only copy is in a file store inside the data folder, see <see cref="OnBoxStore"/>), then the wipe of the
/// queue (db, -wal, -shm), spool, studies, quarantine, the file stores inside the data folder, the generated site
/// secret and the secret files the configuration names (site secret, S3 keys, MQTT password and key) — nothing else
/// outside the data folder — leaving <c>decommissioned.json</c> (when, who, counts, forced or not; no patient data).
/// The caller holds the gateway lock. Unlinking is not sanitising flash: see docs/erasure.md.
/// </summary>
internal static class Decommissioner
{
    public const string SummaryFileName = "decommissioned.json";

    /// <summary>Uploaded (or since evicted) instances whose recorded destinations are only the file store: with that store
    /// inside the data folder, the box holds their only copy. <c>primary</c>, <c>backup</c> or <c>file+backup</c> are off the box.</summary>
    private const string OnlyInFileStoreSql = $"""
        SELECT COUNT(*) FROM instances
        WHERE state IN ('{InstanceStates.Uploaded}', '{InstanceStates.Evicted}') AND (destination IS NULL OR destination = $file);
        """;

    /// <summary>Reads the queue of any schema version; an unreadable queue is reported in <see cref="DecommissionSurvey.QueueError"/>.</summary>
    public static DecommissionSurvey Survey(EdgeConfiguration configuration, DataLayout layout)
    {
        var onBoxFolders = OnBoxStore.ExistingFolders(configuration.Upload, layout);
        try
        {
            var (counts, onlyOnThisBox) = Counts(layout.Root, countFileStore: onBoxFolders.Count > 0);
            return new DecommissionSurvey(counts, onlyOnThisBox, onBoxFolders, null);
        }
        catch (SqliteException e)
        {
            return new DecommissionSurvey(new Dictionary<string, long>(), 0, onBoxFolders, e.Message);
        }
    }

    /// <summary>Removes what the box holds and writes the summary. Never throws for a file it cannot remove: the report lists it.</summary>
    public static DecommissionReport Wipe(EdgeConfiguration configuration, DataLayout layout, DecommissionSurvey survey, bool forced, string lockFileName)
    {
        SqliteConnection.ClearAllPools();
        var wipe = new FileWipe();
        foreach (var name in new[] { QueueDatabase.FileName, QueueDatabase.FileName + "-wal", QueueDatabase.FileName + "-shm", QueueDatabase.FileName + "-journal" })
            wipe.File(Path.Combine(layout.Root, name), overwrite: false);
        wipe.Folder(layout.Spool);
        wipe.Folder(layout.Studies);
        wipe.Folder(layout.Quarantine);
        foreach (var folder in survey.OnBoxFolders)
            wipe.Folder(folder);
        wipe.File(Path.Combine(layout.Root, "control.sock"), overwrite: false);
        // Secrets: the generated one in the data folder and every file the configuration names; overwritten before unlinking.
        wipe.File(Path.Combine(layout.Root, SiteSecret.CredentialName), overwrite: true);
        foreach (var secret in new[]
        {
            configuration.Gateway.SiteSecretFile,
            configuration.Upload.S3?.AccessKeyFile, configuration.Upload.S3?.SecretKeyFile,
            configuration.Upload.BackupS3?.AccessKeyFile, configuration.Upload.BackupS3?.SecretKeyFile,
            configuration.Mqtt.PasswordFile, configuration.Mqtt.ClientKeyFile,
        })
        {
            if (!string.IsNullOrEmpty(secret)) wipe.File(Path.GetFullPath(secret), overwrite: true);
        }
        DirectorySync.Sync(layout.Root);

        var left = Directory.EnumerateFileSystemEntries(layout.Root).Select(Path.GetFileName).OfType<string>()
            .Where(n => n != lockFileName && n != SummaryFileName).Order(StringComparer.Ordinal).ToList();
        var summaryPath = Path.Combine(layout.Root, SummaryFileName);
        File.WriteAllText(summaryPath, Summary(configuration, survey, forced, wipe, left).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return new DecommissionReport(wipe, left, summaryPath);
    }

    private static JsonObject Summary(EdgeConfiguration configuration, DecommissionSurvey survey, bool forced, FileWipe wipe, IReadOnlyList<string> left) => new()
    {
        ["schemaVersion"] = 1,
        ["decommissionedAt"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["actor"] = "local:" + Environment.UserName,
        ["site"] = configuration.Gateway.SiteId,
        ["gateway"] = configuration.Gateway.GatewayId,
        ["forced"] = forced,
        ["queue"] = new JsonObject
        {
            ["pending"] = survey.Count(InstanceStates.Pending), ["uploading"] = survey.Count(InstanceStates.Uploading),
            ["failed"] = survey.Count(InstanceStates.Failed), ["erasing"] = survey.Count(InstanceStates.Erasing),
            ["uploaded"] = survey.Count(InstanceStates.Uploaded),
            ["onlyOnThisBox"] = survey.OnlyOnThisBox,
        },
        ["removed"] = new JsonObject
        {
            ["files"] = wipe.Files, ["folders"] = wipe.Folders, ["secrets"] = wipe.Secrets,
            ["problems"] = new JsonArray(wipe.Problems.Select(p => (JsonNode)p).ToArray()),
        },
        ["leftInDataDir"] = new JsonArray(left.Select(n => (JsonNode)n).ToArray()),
        ["note"] = "files were unlinked, which does not sanitise flash storage; destroy the disk encryption key or the disk",
    };

    /// <summary>Instances per state and (<paramref name="countFileStore"/>) how many have their only copy in the file store; empty and 0 when there is no queue.</summary>
    private static (Dictionary<string, long> Counts, long OnlyInFileStore) Counts(string dataDir, bool countFileStore)
    {
        var path = Path.Combine(dataDir, QueueDatabase.FileName);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!File.Exists(path)) return (counts, 0);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT state, COUNT(*) FROM instances GROUP BY state;";
            using var reader = command.ExecuteReader();
            while (reader.Read()) counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        if (!countFileStore) return (counts, 0);
        using var onlyInFileStore = SqlCommands.Create(connection, null, OnlyInFileStoreSql, ("$file", OnBoxStore.FileStoreName));
        return (counts, Convert.ToInt64(onlyInFileStore.ExecuteScalar(), CultureInfo.InvariantCulture));
    }
}
