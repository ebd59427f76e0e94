using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// Reads the rows of one statement by column name, so that a column added to or moved in a SELECT cannot shift the
/// others. The ordinal of each name is looked up once per statement, not per row.
/// </summary>
internal sealed class RowReader(SqliteDataReader reader)
{
    private readonly Dictionary<string, int> _ordinals = new(StringComparer.OrdinalIgnoreCase);

    public bool Read() => reader.Read();

    public long Int64(string column) => reader.GetInt64(Ordinal(column));

    public int Int32(string column) => reader.GetInt32(Ordinal(column));

    public string String(string column) => reader.GetString(Ordinal(column));

    public string? NullableString(string column) => reader.IsDBNull(Ordinal(column)) ? null : reader.GetString(Ordinal(column));

    public long? NullableInt64(string column) => reader.IsDBNull(Ordinal(column)) ? null : reader.GetInt64(Ordinal(column));

    public bool Boolean(string column) => reader.GetBoolean(Ordinal(column));

    /// <summary>A BLOB column; NULL reads as empty.</summary>
    public byte[] Bytes(string column) => reader.IsDBNull(Ordinal(column)) ? [] : (byte[])reader.GetValue(Ordinal(column));

    /// <summary>A time stored as Unix milliseconds.</summary>
    public DateTimeOffset Time(string column) => DateTimeOffset.FromUnixTimeMilliseconds(Int64(column));

    public DateTimeOffset? NullableTime(string column) => NullableInt64(column) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>Every row of <paramref name="command"/>, mapped by <paramref name="map"/>.</summary>
    public static List<T> All<T>(SqliteCommand command, Func<RowReader, T> map)
    {
        using var reader = command.ExecuteReader();
        var rows = new RowReader(reader);
        var list = new List<T>();
        while (rows.Read()) list.Add(map(rows));
        return list;
    }

    /// <summary>The first row of <paramref name="command"/>, or default when there is none.</summary>
    public static T? First<T>(SqliteCommand command, Func<RowReader, T> map)
    {
        using var reader = command.ExecuteReader();
        var rows = new RowReader(reader);
        return rows.Read() ? map(rows) : default;
    }

    private int Ordinal(string column)
    {
        if (!_ordinals.TryGetValue(column, out var ordinal))
            _ordinals[column] = ordinal = reader.GetOrdinal(column);
        return ordinal;
    }
}
