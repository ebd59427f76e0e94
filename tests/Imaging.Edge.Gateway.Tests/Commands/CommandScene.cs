using Imaging.Edge.Gateway.Commands;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

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
        Queue = new QueueStores(Database, TimeProvider.System);
    }

    public string Root { get; }
    public QueueDatabase Database { get; }
    public QueueStores Queue { get; }

    /// <summary>The authorizer of gateway site-k/gw-k with these configuration keys (e.g. <c>Mqtt:Commands:AllowDestructive</c>).</summary>
    public CommandAuthorizer Authorizer(IReadOnlyDictionary<string, string>? settings = null, TimeProvider? clock = null)
    {
        var pairs = new Dictionary<string, string?> { ["Gateway:SiteId"] = "site-k", ["Gateway:GatewayId"] = "gw-k" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) pairs[key] = value;
        var configuration = EdgeConfiguration.FromRoot(new ConfigurationBuilder().AddInMemoryCollection(pairs).Build());
        return new CommandAuthorizer(configuration, new CommandReplayStore(Queue.Writer), clock ?? TimeProvider.System);
    }

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
