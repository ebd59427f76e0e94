using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Erasure;
using Imaging.Edge.Gateway.Hosting;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>imaging-edge decommission [--force] [--config FILE]</c>, for returning or replacing a box. Refuses while a
/// gateway runs on the data folder (its <see cref="GatewayLock"/>), and while anything is pending, uploading, failed
/// or being erased, or an uploaded instance's only copy is in a file store inside the data folder (still on the box,
/// see <see cref="OnBoxStore"/>), unless <c>--force</c>. Then removes the queue (db, -wal, -shm), spool, studies,
/// quarantine, the file stores inside the data folder, the generated site secret, and the secret
/// files the configuration names (site secret, S3 keys) — nothing else outside the data folder — and leaves
/// <c>decommissioned.json</c> (when, who, counts, forced or not; no patient data) as the audit summary.
/// Unlinking is not sanitising flash: see docs/erasure.md.
/// </summary>
internal static class DecommissionCommand
{
    public const string SummaryFileName = "decommissioned.json";

    /// <summary>Uploaded (or since evicted) instances whose recorded destinations are only the file store: with that store
    /// inside the data folder, the box holds their only copy. <c>primary</c>, <c>backup</c> or <c>file+backup</c> are off the box.</summary>
    private const string OnlyInFileStoreSql = $"""
        SELECT COUNT(*) FROM instances
        WHERE state IN ('{InstanceStates.Uploaded}', '{InstanceStates.Evicted}') AND (destination IS NULL OR destination = $file);
        """;

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args)
    {
        var arguments = Arguments.Parse(args, valued: new HashSet<string> { "config" }, flags: new HashSet<string> { "force" });
        if (arguments.Positional.Count > 0)
            throw new UsageException("usage: imaging-edge decommission [--force] [--config FILE]");
        var force = arguments.Flag("force");
        if (await CliConfiguration.TryLoadAsync(arguments.Option("config")) is not { } configuration)
            return ExitCodes.BadInput;
        var layout = DataLayout.From(configuration.Gateway);
        if (!Directory.Exists(layout.Root))
        {
            await Console.Error.WriteLineAsync($"no data folder at {layout.Root}: nothing to decommission");
            return ExitCodes.Failure;
        }

        var gatewayLock = GatewayLock.TryAcquire(layout.Root);
        if (gatewayLock is null)
        {
            await Console.Error.WriteLineAsync($"a gateway is running on {layout.Root} ({GatewayLock.FileName} is locked): stop it first (systemctl stop imaging-edge)");
            return ExitCodes.Failure;
        }
        using (gatewayLock)
        {
            Dictionary<string, long> counts;
            var onBoxFolders = OnBoxStore.ExistingFolders(configuration.Upload, layout);
            long onlyOnThisBox = 0;
            try
            {
                (counts, onlyOnThisBox) = Counts(layout.Root, countFileStore: onBoxFolders.Count > 0);
            }
            catch (SqliteException e)
            {
                await Console.Error.WriteLineAsync($"{Path.Combine(layout.Root, QueueDatabase.FileName)}: {e.Message} (use --force to wipe it anyway)");
                if (!force) return ExitCodes.Failure;
                counts = [];
            }
            var notUploaded = Count(counts, InstanceStates.Pending) + Count(counts, InstanceStates.Uploading) + Count(counts, InstanceStates.Failed) + Count(counts, InstanceStates.Erasing);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"queue: {Count(counts, InstanceStates.Pending)} pending, {Count(counts, InstanceStates.Uploading)} uploading, {Count(counts, InstanceStates.Failed)} failed, {Count(counts, InstanceStates.Erasing)} erasing, {Count(counts, InstanceStates.Uploaded)} uploaded"));
            if (notUploaded > 0 && !force)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"refusing: {notUploaded} instances are not uploaded; wait for the uploads (imaging-edge status), or give --force to wipe them anyway"));
                return ExitCodes.Failure;
            }
            if (onlyOnThisBox > 0)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{(force ? "wiping anyway (--force)" : "refusing")}: {onlyOnThisBox} uploaded instances have their only copy on this box, in the file store {string.Join(", ", onBoxFolders)} inside the data folder (Upload:Destination is not set, or names a folder under Gateway:DataDir)"));
                if (!force)
                {
                    await Console.Error.WriteLineAsync("copy that folder off the box (or configure an S3 destination and resend the studies) first, or give --force to wipe them anyway");
                    return ExitCodes.Failure;
                }
            }

            SqliteConnection.ClearAllPools();
            var wipe = new Wipe();
            foreach (var name in new[] { QueueDatabase.FileName, QueueDatabase.FileName + "-wal", QueueDatabase.FileName + "-shm", QueueDatabase.FileName + "-journal" })
                wipe.File(Path.Combine(layout.Root, name), overwrite: false);
            wipe.Folder(layout.Spool);
            wipe.Folder(layout.Studies);
            wipe.Folder(layout.Quarantine);
            foreach (var folder in onBoxFolders)
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
            DurableFileSystem.SyncDirectory(layout.Root);

            var left = Directory.EnumerateFileSystemEntries(layout.Root).Select(Path.GetFileName)
                .Where(n => n is not GatewayLock.FileName and not SummaryFileName).Order(StringComparer.Ordinal).ToList();
            var summary = new JsonObject
            {
                ["schemaVersion"] = 1,
                ["decommissionedAt"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["actor"] = "local:" + Environment.UserName,
                ["site"] = configuration.Gateway.SiteId,
                ["gateway"] = configuration.Gateway.GatewayId,
                ["forced"] = force,
                ["queue"] = new JsonObject
                {
                    ["pending"] = Count(counts, InstanceStates.Pending), ["uploading"] = Count(counts, InstanceStates.Uploading),
                    ["failed"] = Count(counts, InstanceStates.Failed), ["erasing"] = Count(counts, InstanceStates.Erasing),
                    ["uploaded"] = Count(counts, InstanceStates.Uploaded),
                    ["onlyOnThisBox"] = onlyOnThisBox,
                },
                ["removed"] = new JsonObject
                {
                    ["files"] = wipe.Files, ["folders"] = wipe.Folders, ["secrets"] = wipe.Secrets,
                    ["problems"] = new JsonArray(wipe.Problems.Select(p => (JsonNode)p).ToArray()),
                },
                ["leftInDataDir"] = new JsonArray(left.Select(n => (JsonNode)n!).ToArray()),
                ["note"] = "files were unlinked, which does not sanitise flash storage; destroy the disk encryption key or the disk",
            };
            var summaryPath = Path.Combine(layout.Root, SummaryFileName);
            await File.WriteAllTextAsync(summaryPath, summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decommissioned {layout.Root}{(force ? " (forced)" : "")}:"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  removed {wipe.Files} files and {wipe.Folders} folders (queue, spool, studies, quarantine{(onBoxFolders.Count > 0 ? ", file store in the data folder" : "")})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  removed {wipe.Secrets} secret files (site secret, S3 keys named in the configuration)"));
            foreach (var problem in wipe.Problems) Console.WriteLine($"  NOT removed: {problem}");
            if (left.Count > 0) Console.WriteLine($"  left in the data folder (not ours to remove): {string.Join(", ", left)}");
            Console.WriteLine("  systemd credentials, journald logs and the configuration file are not touched: remove them as docs/erasure.md says");
            Console.WriteLine($"  summary: {summaryPath}");
            Console.WriteLine("  unlinking does not sanitise flash: destroy the disk encryption key (or the disk) before the box leaves");
            return wipe.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
    }

    private static long Count(Dictionary<string, long> counts, string state) => counts.GetValueOrDefault(state);

    /// <summary>
    /// Instances per state, read from any schema version, and (<paramref name="countFileStore"/>) how many have their only
    /// copy in the file store; empty and 0 when there is no queue.
    /// </summary>
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

    /// <summary>Removes files and folders, counting them; a failure is recorded, not thrown (the report lists it).</summary>
    private sealed class Wipe
    {
        public int Files { get; private set; }
        public int Folders { get; private set; }
        public int Secrets { get; private set; }
        public List<string> Problems { get; } = [];

        public void File(string path, bool overwrite)
        {
            try
            {
                if (!System.IO.File.Exists(path)) return;
                if (overwrite)
                {
                    // Best effort on a journaling file system; meaningless on flash (wear levelling keeps the old block).
                    using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
                    {
                        stream.Write(new byte[stream.Length]);
                        stream.Flush(flushToDisk: true);
                    }
                    Secrets++;
                }
                System.IO.File.Delete(path);
                Files++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Problems.Add($"{path} ({e.GetType().Name})");
            }
        }

        public void Folder(string path)
        {
            if (!Directory.Exists(path)) return;
            try
            {
                Files += Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Count();
                Folders += Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories).Count() + 1;
                Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Problems.Add($"{path} ({e.GetType().Name})");
            }
        }
    }
}
