namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// Studies and their manifests: studies becoming stable, the ones whose manifest is due, their instances, and the
/// manifest recorded as uploaded. Writes are FULL, each with the event that reports it.
/// </summary>
internal sealed class StudyStore(QueueWriter writer)
{
    /// <summary>Studies quiet since <c>$cutoff</c> become stable; each stability is a new manifest version.</summary>
    private const string MarkStable = """
        UPDATE studies SET state = 'stable', manifest_version = manifest_version + 1
        WHERE state = 'open' AND last_received_at <= $cutoff
        RETURNING id, pseudonym, instance_count, manifest_version;
        """;

    /// <summary>Stable studies whose newest manifest is not in the bucket and that have nothing left to upload.</summary>
    private const string NeedingManifest = """
        SELECT s.id, s.study_uid, s.pseudonym, s.manifest_version FROM studies s
        WHERE s.state = 'stable' AND s.manifest_version > s.manifest_uploaded_version
          AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.study_id = s.id AND i.state IN ('pending', 'uploading', 'erasing'))
        ORDER BY s.last_received_at LIMIT $limit;
        """;

    private const string InstancesOfStudyById = $"{InstanceRows.Select} WHERE i.study_id = $study_id ORDER BY i.series_uid, i.sop_instance_uid, i.version;";

    /// <summary>No row changes when the study is gone or being erased: the manifest just written must then be deleted.</summary>
    private const string ManifestUploaded = """
        UPDATE studies SET manifest_uploaded_version = MAX(manifest_uploaded_version, $version)
        WHERE id = $study_id AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.study_id = $study_id AND i.state = 'erasing');
        """;

    /// <summary>Studies quiet since <paramref name="quietSince"/> become stable, each with a new manifest version; the
    /// study.complete events are written in the same transaction.</summary>
    public IReadOnlyList<StableStudy> MarkStableStudies(DateTimeOffset quietSince) =>
        writer.Write(Durability.Full, transaction =>
        {
            var stable = RowReader.All(writer.Statement(transaction, MarkStable, ("$cutoff", quietSince.ToUnixTimeMilliseconds())),
                r => new StableStudy(r.Int64("id"), r.String("pseudonym"), r.Int32("instance_count"), r.Int32("manifest_version")));
            foreach (var study in stable)
                writer.AddEvent(transaction, QueueEvents.StudyComplete,
                    QueueEvents.Payload(("study", study.Pseudonym), ("instances", study.InstanceCount), ("manifestVersion", study.ManifestVersion)));
            return stable;
        });

    /// <summary>Stable studies whose newest manifest still has to be uploaded, and all of whose instances are uploaded or failed.</summary>
    public IReadOnlyList<(long StudyId, string StudyUid, string Pseudonym, int ManifestVersion)> StudiesNeedingManifest(int limit = 50)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, NeedingManifest, ("$limit", limit));
        return RowReader.All(command, r => (r.Int64("id"), r.String("study_uid"), r.String("pseudonym"), r.Int32("manifest_version")));
    }

    public IReadOnlyList<QueuedInstance> InstancesOfStudy(long studyId)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, InstancesOfStudyById, ("$study_id", studyId));
        return RowReader.All(command, InstanceRows.Map);
    }

    /// <summary>Records the manifest version now in the bucket and reports the study uploaded, in one transaction. False
    /// (nothing recorded) when the study is gone or being erased: the caller must then delete the manifest it just wrote.</summary>
    public bool MarkManifestUploaded(long studyId, int version, string pseudonym, int instances, string destination) =>
        writer.Write(Durability.Full, transaction =>
        {
            if (writer.Statement(transaction, ManifestUploaded, ("$study_id", studyId), ("$version", version)).ExecuteNonQuery() != 1)
                return false;
            writer.AddEvent(transaction, QueueEvents.StudyUploaded, QueueEvents.Payload(
                ("study", pseudonym), ("instances", instances), ("manifestVersion", version), ("destination", destination)));
            return true;
        });
}
