namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// The bytes of small instances acknowledged with one commit (<c>pending_files</c>), for the materializer that writes
/// them to their files. Deleting a row is NORMAL: a deletion lost to a power cut only means the file (already durable)
/// is written once more with the same bytes.
/// </summary>
internal sealed class PendingFiles(QueueWriter writer, IntakeStore intake)
{
    private const string NextBatch = """
        SELECT p.instance_id, i.local_path, p.bytes FROM pending_files p JOIN instances i ON i.id = p.instance_id
        ORDER BY p.instance_id LIMIT $limit;
        """;

    private const string Delete = "DELETE FROM pending_files WHERE instance_id = $id;";

    private const string Count = "SELECT COUNT(*) FROM pending_files;";

    private const string BytesOfInstance = "SELECT bytes FROM pending_files WHERE instance_id = $id;";

    /// <summary>Wakes the materializer (released by <see cref="IntakeStore.Enqueue"/>).</summary>
    public SemaphoreSlim Queued => intake.PendingFilesQueued;

    /// <summary>The oldest files still to write, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<PendingFile> Next(int limit)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, NextBatch, ("$limit", limit));
        return RowReader.All(command, r => new PendingFile(r.Int64("instance_id"), r.String("local_path"), r.Bytes("bytes")));
    }

    /// <summary>Forgets the bytes of files now durable. Returns the ids whose bytes were already gone (an erasure or an eviction took them).</summary>
    public IReadOnlyList<long> Written(IEnumerable<long> ids) =>
        writer.Write(Durability.Normal, transaction =>
            ids.Where(id => writer.Statement(transaction, Delete, ("$id", id)).ExecuteNonQuery() == 0).ToList());

    /// <summary>The bytes of an instance whose file is not written yet, or null when its file is (or it is gone).</summary>
    public byte[]? BytesOf(long instanceId)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, BytesOfInstance, ("$id", instanceId));
        return command.ExecuteScalar() as byte[];
    }

    public long Waiting()
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, Count);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>One instance whose file is still to be written.</summary>
internal sealed record PendingFile(long InstanceId, string LocalPath, byte[] Bytes);
