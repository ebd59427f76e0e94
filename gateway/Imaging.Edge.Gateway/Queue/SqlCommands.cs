using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>Parameterised statements on queue.db connections (CONVENTIONS §7: SQL constants, values only as parameters).</summary>
internal static class SqlCommands
{
    /// <summary>A new command; the caller disposes it. A null value is bound as SQL NULL.</summary>
    public static SqliteCommand Create(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
