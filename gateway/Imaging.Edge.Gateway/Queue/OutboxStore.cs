namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// The outbox as telemetry (or the console drain) consumes it: the oldest events, their deletion once published, and
/// its bound. Events are added only by <see cref="QueueWriter.AddEvent"/>, in the transaction of the change they report.
/// </summary>
internal sealed class OutboxStore(QueueWriter writer)
{
    private const string Oldest = "SELECT id, at, type, payload FROM outbox ORDER BY id LIMIT $limit;";

    private const string CountAll = "SELECT COUNT(*) FROM outbox;";

    private const string DropOldest = "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $count);";

    private const string DeleteOne = "DELETE FROM outbox WHERE id = $id;";

    /// <summary>The oldest events of the outbox, oldest first, for telemetry to publish.</summary>
    public IReadOnlyList<OutboxEvent> Batch(int limit = 100)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, Oldest, ("$limit", limit));
        return RowReader.All(command, r => new OutboxEvent(r.Int64("id"), r.Time("at"), r.String("type"), r.String("payload")));
    }

    /// <summary>Removes an event once the broker has acknowledged it. Durable when it returns (ops rely on it: a lost
    /// delete only publishes the event again). False if it was already gone.</summary>
    public bool Delete(long id) =>
        writer.Write(Durability.Full, transaction => writer.Statement(transaction, DeleteOne, ("$id", id)).ExecuteNonQuery() == 1);

    /// <summary>
    /// Keeps the outbox under <paramref name="maxEvents"/>: the oldest events beyond it are dropped and an
    /// <c>events.dropped</c> event with their count takes their place, in one transaction. Returns how many were dropped.
    /// </summary>
    public long Trim(int maxEvents) =>
        writer.Write(Durability.Full, transaction =>
        {
            var count = Convert.ToInt64(writer.Statement(transaction, CountAll).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (count <= maxEvents) return 0;
            var excess = count - maxEvents + 1; // room for the events.dropped event itself
            writer.Statement(transaction, DropOldest, ("$count", excess)).ExecuteNonQuery();
            writer.AddEvent(transaction, QueueEvents.EventsDropped, QueueEvents.Payload(("count", excess)));
            return excess;
        });
}
