namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// What the intake writes: a durable instance queued with its study, an identical duplicate recorded, and the
/// duplicate check's view of the copies already stored. Every write is FULL: the acknowledgement relies on it.
/// </summary>
internal sealed class IntakeStore(QueueWriter writer, ReceivedToday received)
{
    /// <summary>New study, or one more instance of a known one (which reopens it if it was stable).</summary>
    internal const string UpsertStudy = """
        INSERT INTO studies (study_uid, pseudonym, patient_key, first_received_at, last_received_at, instance_count, state)
        VALUES ($study, $pseudonym, $patient, $now, $now, 1, 'open')
        ON CONFLICT (study_uid) DO UPDATE SET
            last_received_at = MAX(last_received_at, excluded.last_received_at),
            instance_count = instance_count + 1,
            patient_key = COALESCE(patient_key, excluded.patient_key),
            state = 'open'
        RETURNING id, instance_count, manifest_version;
        """;

    internal const string InsertInstance = """
        INSERT INTO instances (sop_instance_uid, version, study_id, series_uid, sop_class_uid, transfer_syntax_uid, size, sha256,
                               dataset_sha256, local_path, source, source_host, received_at, priority, state, next_attempt_at,
                               patient_key, issuer_key)
        VALUES ($sop, $version, $study_id, $series, $sop_class, $syntax, $size, $sha256,
                $dataset_sha256, $path, $source, $host, $now, $priority, 'pending', $now,
                $patient, $issuer)
        RETURNING id;
        """;

    private const string InsertPendingFile = "INSERT INTO pending_files (instance_id, bytes) VALUES ($id, $bytes);";

    private const string StudyState = "SELECT state FROM studies WHERE study_uid = $study;";

    private const string CopiesOfInstance = """
        SELECT id, version, sha256, dataset_sha256, state, local_path,
               EXISTS (SELECT 1 FROM pending_files p WHERE p.instance_id = instances.id) AS file_pending
        FROM instances WHERE sop_instance_uid = $sop ORDER BY version;
        """;

    /// <summary>The copies already stored under this SOP Instance UID, oldest first.</summary>
    public IReadOnlyList<StoredCopy> CopiesOf(string sopInstanceUid)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, CopiesOfInstance, ("$sop", sopInstanceUid));
        return RowReader.All(command, r => new StoredCopy(r.Int64("id"), r.Int32("version"), r.Bytes("sha256"), r.Bytes("dataset_sha256"), r.String("state"), r.String("local_path"), r.Int32("file_pending") == 1));
    }

    /// <summary>Released after each commit that left a file pending: the materializer waits on it.</summary>
    public SemaphoreSlim PendingFilesQueued { get; } = new(0, 1);

    /// <summary>
    /// Queues a durable instance: its study is created or updated (and reopened if it was stable) and the events
    /// are written, all in one FULL transaction shared with the acknowledgements of other associations arriving at
    /// the same moment (<see cref="QueueWriter.WriteTogether{T}"/>). Returns the new row's id. With <paramref name="part10"/>, the file's
    /// bytes are committed in the same transaction (one sync covers bytes and row) and written to
    /// <see cref="NewInstance.LocalPath"/> later by the materializer.
    /// </summary>
    public long Enqueue(NewInstance instance, byte[]? part10 = null)
    {
        var now = 0L;
        var id = writer.WriteTogether(transaction =>
        {
            now = writer.Now;
            var wasStable = writer.Statement(transaction, StudyState, ("$study", instance.StudyUid)).ExecuteScalar() as string == "stable";
            var (studyId, instanceCount) = RowReader.First(
                writer.Statement(transaction, UpsertStudy, ("$study", instance.StudyUid), ("$pseudonym", instance.StudyPseudonym), ("$patient", instance.PatientKey), ("$now", now)),
                r => (r.Int64("id"), r.Int32("instance_count")));
            var inserted = Convert.ToInt64(writer.Statement(transaction, InsertInstance,
                ("$sop", instance.SopInstanceUid), ("$version", instance.Version), ("$study_id", studyId), ("$series", instance.SeriesUid),
                ("$sop_class", instance.SopClassUid), ("$syntax", instance.TransferSyntaxUid), ("$size", instance.Size),
                ("$sha256", instance.Sha256), ("$dataset_sha256", instance.DataSetSha256), ("$path", instance.LocalPath), ("$source", instance.Source), ("$host", instance.SourceHost),
                ("$now", now), ("$priority", instance.Priority), ("$patient", instance.PatientKey), ("$issuer", instance.IssuerKey)).ExecuteScalar(),
                System.Globalization.CultureInfo.InvariantCulture);
            if (part10 is not null)
                writer.Statement(transaction, InsertPendingFile, ("$id", inserted), ("$bytes", part10)).ExecuteNonQuery();
            if (instanceCount == 1 || wasStable)
                writer.AddEvent(transaction, QueueEvents.StudyReceived,
                    QueueEvents.Payload(("study", instance.StudyPseudonym), ("reopened", wasStable), ("source", instance.Source)));
            if (instance.Version > 0)
                writer.AddEvent(transaction, QueueEvents.InstanceDuplicate,
                    QueueEvents.Payload(("study", instance.StudyPseudonym), ("identical", false), ("version", instance.Version), ("source", instance.Source)));
            return inserted;
        });
        received.Add(DateTimeOffset.FromUnixTimeMilliseconds(now));
        if (part10 is not null && PendingFilesQueued.CurrentCount == 0)
        {
            try
            {
                PendingFilesQueued.Release();
            }
            catch (SemaphoreFullException)
            {
                // another commit woke it first: one wake-up drains every pending file
            }
        }
        return id;
    }

    /// <summary>Records that an instance was received again with identical bytes: acknowledged, not queued twice.</summary>
    public void RecordIdenticalDuplicate(string studyPseudonym, string source) =>
        writer.WriteTogether(transaction =>
        {
            writer.AddEvent(transaction, QueueEvents.InstanceDuplicate, QueueEvents.Payload(("study", studyPseudonym), ("identical", true), ("source", source)));
            return true;
        });
}
