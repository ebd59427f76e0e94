using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Tests.Commands;

/// <summary>A real, migrated queue.db in a scratch folder, with SQL access for assertions.</summary>
internal sealed class CommandScene : IDisposable
{
    public CommandScene()
    {
        Root = Path.Combine(Path.GetTempPath(), "commands-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Database = new QueueDatabase(Root);
        Database.Migrate();
        Queue = new InstanceQueue(Database, TimeProvider.System);
    }

    public string Root { get; }
    public QueueDatabase Database { get; }
    public InstanceQueue Queue { get; }

    public List<string[]> Rows(string sql)
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!).ToArray());
        return rows;
    }

    public void Dispose()
    {
        Queue.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}
