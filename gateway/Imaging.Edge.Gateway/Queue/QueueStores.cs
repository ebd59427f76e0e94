namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// The stores of queue.db over its one <see cref="QueueWriter"/>, built together: the host registers each of them,
/// and the command line and tests take the ones they need from here. Disposing it closes the writer.
/// </summary>
internal sealed class QueueStores : IDisposable
{
    public QueueStores(QueueDatabase database, TimeProvider clock)
    {
        Writer = new QueueWriter(database, clock);
        Queries = new QueueQueries(database);
        Received = new ReceivedToday(Queries.CountReceivedSince);
        Intake = new IntakeStore(Writer, Received);
        PendingFiles = new PendingFiles(Writer, Intake);
        Leases = new UploadLeases(Writer, Queries);
        Studies = new StudyStore(Writer);
        Outbox = new OutboxStore(Writer);
        Operator = new OperatorActions(Writer);
    }

    public QueueWriter Writer { get; }

    public QueueQueries Queries { get; }

    /// <summary>Instances received today (UTC), for status; the intake counts what it queues.</summary>
    public ReceivedToday Received { get; }

    public IntakeStore Intake { get; }

    /// <summary>Bytes of small instances whose files are still to be written.</summary>
    public PendingFiles PendingFiles { get; }

    public UploadLeases Leases { get; }

    public StudyStore Studies { get; }

    public OutboxStore Outbox { get; }

    public OperatorActions Operator { get; }

    public void Dispose() => Writer.Dispose();
}
