using System.Globalization;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// How the command line reaches the service's queue: the same configuration (file and environment), the existing
/// <c>queue.db</c> only — never created, never migrated — and a clear message when it is missing or of another schema.
/// </summary>
internal static class QueueAccess
{
    public static async Task<int> WithQueueAsync(string? configFile, Func<EdgeConfiguration, QueueStores, int> action)
    {
        if (await CliConfiguration.TryLoadAsync(configFile) is not { } configuration)
            return ExitCodes.BadInput;

        var dataDir = Path.GetFullPath(configuration.Gateway.DataDir);
        var database = new QueueDatabase(dataDir, createIfMissing: false);
        if (!File.Exists(database.Path))
        {
            await Console.Error.WriteLineAsync($"no queue at {database.Path}: has the gateway run?");
            return ExitCodes.Failure;
        }
        try
        {
            if (CheckSchema(database) is { } problem)
            {
                await Console.Error.WriteLineAsync(problem);
                return ExitCodes.Failure;
            }
            using var queue = new QueueStores(database, TimeProvider.System);
            return action(configuration, queue);
        }
        catch (SqliteException e)
        {
            await Console.Error.WriteLineAsync($"{database.Path}: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>The queue must have exactly the schema this executable knows: the service migrates, this command never does.</summary>
    internal static string? CheckSchema(QueueDatabase database)
    {
        using var connection = database.Open();
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version';";
        var version = Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) == 0 ? 0 : QueueDatabase.CurrentVersion(connection);
        var known = Migrations.All.Count;
        return version == known
            ? null
            : version < known
                ? $"{database.Path}: queue schema version {version}, this imaging-edge needs {known}: start the gateway once (it migrates at start-up)"
                : $"{database.Path}: queue schema version {version} is newer than this imaging-edge knows ({known}): use the imaging-edge the service runs";
    }
}
