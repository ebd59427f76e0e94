using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// <c>imaging-edge queue ...</c> run as the real executable against a data folder (given as the service would get it:
/// <c>IMAGING_EDGE__Gateway__DataDir</c>), from a scratch working folder so that the default <c>./var</c> is never touched.
/// </summary>
internal static class QueueCli
{
    public static async Task<ProcessResult> RunAsync(string dataDir, params string[] arguments)
    {
        using var workingDirectory = new TemporaryDirectory();
        return await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, "queue", .. arguments], TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["IMAGING_EDGE__Gateway__DataDir"] = dataDir }, workingDirectory.Path);
    }

    /// <summary>The audit rows of a queue file, read directly (oldest first).</summary>
    public static List<(string Actor, string Action, string RequestId, string Result)> AuditRows(string dataDir)
    {
        using var connection = OpenReadOnly(dataDir);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT actor, action, request_id, result FROM audit ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return rows;
    }

    /// <summary>The queue file of a data folder, opened read-only (no pool: the test may delete the folder next).</summary>
    public static SqliteConnection OpenReadOnly(string dataDir)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "queue.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
