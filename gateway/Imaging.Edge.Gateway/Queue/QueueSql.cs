namespace Imaging.Edge.Gateway.Queue;

/// <summary>Every statement of the queue, parameterised; nothing is ever built by string interpolation.</summary>
internal static class QueueSql
{
    public const string ConnectionPragmas = """
        PRAGMA synchronous = FULL;
        PRAGMA secure_delete = ON;
        PRAGMA foreign_keys = ON;
        PRAGMA busy_timeout = 10000;
        """;

    private const string InstanceColumns = """
        i.id, i.sop_instance_uid, i.version, i.study_id, s.study_uid, s.pseudonym, i.series_uid, i.sop_class_uid,
        i.transfer_syntax_uid, i.size, i.sha256, i.local_path, i.source, i.source_host, i.received_at, i.priority,
        i.state, i.attempts, i.next_attempt_at, i.last_error, i.object_key, i.destination, i.etag, i.upload_checkpoint
        """;

    public const string CopiesOfInstance = """
        SELECT id, version, sha256, dataset_sha256, state, local_path FROM instances WHERE sop_instance_uid = $sop ORDER BY version;
        """;

    /// <summary>New study, or one more instance of a known one (which reopens it if it was stable).</summary>
    public const string UpsertStudy = """
        INSERT INTO studies (study_uid, pseudonym, patient_key, first_received_at, last_received_at, instance_count, state)
        VALUES ($study, $pseudonym, $patient, $now, $now, 1, 'open')
        ON CONFLICT (study_uid) DO UPDATE SET
            last_received_at = MAX(last_received_at, excluded.last_received_at),
            instance_count = instance_count + 1,
            patient_key = COALESCE(patient_key, excluded.patient_key),
            state = 'open'
        RETURNING id, instance_count, manifest_version;
        """;

    public const string StudyStateById = "SELECT state FROM studies WHERE study_uid = $study;";

    public const string InsertInstance = """
        INSERT INTO instances (sop_instance_uid, version, study_id, series_uid, sop_class_uid, transfer_syntax_uid, size, sha256,
                               dataset_sha256, local_path, source, source_host, received_at, priority, state, next_attempt_at,
                               patient_key, issuer_key)
        VALUES ($sop, $version, $study_id, $series, $sop_class, $syntax, $size, $sha256,
                $dataset_sha256, $path, $source, $host, $now, $priority, 'pending', $now,
                $patient, $issuer)
        RETURNING id;
        """;

    public const string InsertEvent = "INSERT INTO outbox (at, type, payload) VALUES ($now, $type, $payload);";

    public const string CountReceivedSince = "SELECT COUNT(*) FROM instances WHERE received_at >= $since;";

    public const string OutboxBatch = "SELECT id, at, type, payload FROM outbox ORDER BY id LIMIT $limit;";

    public const string CountOutbox = "SELECT COUNT(*) FROM outbox;";

    public const string DropOldestOutbox = "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $count);";

    public const string DeleteOutbox = "DELETE FROM outbox WHERE id = $id;";

    public const string InsertAudit = "INSERT INTO audit (at, actor, action, request_id, result) VALUES ($now, $actor, $action, $request, $result);";

    /// <summary>Claims the next instance in one statement: priority first, then age (CONVENTIONS.md §8).</summary>
    public const string Lease = """
        UPDATE instances SET state = 'uploading', lease_owner = $owner, lease_expires_at = $expires, attempts = attempts + 1
        WHERE id = (SELECT id FROM instances
                    WHERE state = 'pending' AND next_attempt_at <= $now
                    ORDER BY priority DESC, received_at, id LIMIT 1)
        RETURNING id;
        """;

    public const string ReleaseExpiredLeases = """
        UPDATE instances SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL
        WHERE state = 'uploading' AND lease_expires_at <= $now;
        """;

    public const string RenewLease = """
        UPDATE instances SET lease_expires_at = $expires
        WHERE id = $id AND state = 'uploading' AND lease_owner = $owner;
        """;

    public const string MarkUploaded = """
        UPDATE instances SET state = 'uploaded', lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, upload_checkpoint = NULL,
                             object_key = $key, destination = $destination, etag = $etag, uploaded_at = $now
        WHERE id = $id AND state = 'uploading' AND lease_owner = $owner;
        """;

    /// <summary>
    /// A transient failure: back to pending, not before <c>$retry_at</c>. A null error keeps the last real one; an attempt
    /// that never reached the store (<c>$counted</c> = 0) is not counted.
    /// </summary>
    public const string Postpone = """
        UPDATE instances SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, last_error = COALESCE($error, last_error),
                             next_attempt_at = $retry_at, attempts = attempts - 1 + $counted
        WHERE id = $id AND state = 'uploading' AND lease_owner = $owner;
        """;

    public const string MarkFailed = """
        UPDATE instances SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, last_error = $error
        WHERE id = $id AND state <> 'erasing'
        RETURNING (SELECT pseudonym FROM studies WHERE studies.id = instances.study_id);
        """;

    public const string RetryFailed = """
        UPDATE instances SET state = 'pending', last_error = NULL, next_attempt_at = $now
        WHERE state = 'failed' AND ($id IS NULL OR id = $id)
        RETURNING id;
        """;

    /// <summary>Every uploaded or failed instance of a study goes back to pending, and its manifest is due again.</summary>
    public const string ResendStudyInstances = """
        UPDATE instances SET state = 'pending', last_error = NULL, attempts = 0, next_attempt_at = $now, upload_checkpoint = NULL
        WHERE study_id = (SELECT id FROM studies WHERE pseudonym = $pseudonym) AND state IN ('uploaded', 'failed')
        RETURNING id;
        """;

    public const string ResendStudyManifest = "UPDATE studies SET manifest_uploaded_version = 0 WHERE pseudonym = $pseudonym RETURNING id;";

    public const string SaveCheckpoint = "UPDATE instances SET upload_checkpoint = $checkpoint WHERE id = $id AND lease_owner = $owner;";

    public const string InstanceById = $"SELECT {InstanceColumns} FROM instances i JOIN studies s ON s.id = i.study_id WHERE i.id = $id;";

    public const string InstancesBySopUid = $"SELECT {InstanceColumns} FROM instances i JOIN studies s ON s.id = i.study_id WHERE i.sop_instance_uid = $sop ORDER BY i.version;";

    public const string InstancesInStates = $"""
        SELECT {InstanceColumns} FROM instances i JOIN studies s ON s.id = i.study_id
        WHERE i.state IN (SELECT value FROM json_each($states))
        ORDER BY s.pseudonym, i.received_at, i.id LIMIT $limit;
        """;

    public const string CountByState = "SELECT state, COUNT(*) FROM instances GROUP BY state;";

    public const string WaitingBytesAndOldest =
        "SELECT COALESCE(SUM(size), 0), MIN(received_at) FROM instances WHERE state IN ('pending', 'uploading');";

    /// <summary>Studies quiet since <c>$cutoff</c> become stable; each stability is a new manifest version.</summary>
    public const string MarkStableStudies = """
        UPDATE studies SET state = 'stable', manifest_version = manifest_version + 1
        WHERE state = 'open' AND last_received_at <= $cutoff
        RETURNING id, pseudonym, instance_count, manifest_version;
        """;

    /// <summary>Stable studies whose newest manifest is not in the bucket and that have nothing left to upload.</summary>
    public const string StudiesNeedingManifest = """
        SELECT s.id, s.study_uid, s.pseudonym, s.manifest_version FROM studies s
        WHERE s.state = 'stable' AND s.manifest_version > s.manifest_uploaded_version
          AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.study_id = s.id AND i.state IN ('pending', 'uploading', 'erasing'))
        ORDER BY s.last_received_at LIMIT $limit;
        """;

    public const string InstancesOfStudy = $"SELECT {InstanceColumns} FROM instances i JOIN studies s ON s.id = i.study_id WHERE i.study_id = $study_id ORDER BY i.series_uid, i.sop_instance_uid, i.version;";

    /// <summary>No row changes when the study is gone or being erased: the manifest just written must then be deleted.</summary>
    public const string MarkManifestUploaded = """
        UPDATE studies SET manifest_uploaded_version = MAX(manifest_uploaded_version, $version)
        WHERE id = $study_id AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.study_id = $study_id AND i.state = 'erasing');
        """;

    /// <summary>1 when the row is being erased or already gone (an erasure took it while it was uploading).</summary>
    public const string IsErasingOrGone = "SELECT NOT EXISTS (SELECT 1 FROM instances WHERE id = $id AND state <> 'erasing');";

    public const string Checkpoints = "SELECT upload_checkpoint FROM instances WHERE upload_checkpoint IS NOT NULL;";

    public const string RecentUploads = """
        SELECT COUNT(*), COALESCE(SUM(size), 0), MAX(uploaded_at),
               (SELECT destination FROM instances WHERE uploaded_at IS NOT NULL ORDER BY uploaded_at DESC LIMIT 1)
        FROM instances WHERE uploaded_at >= $since;
        """;

    public const string PathsAndStates = "SELECT id, local_path, state, last_error FROM instances;";

    public const string ReleaseAllLeases = "UPDATE instances SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE state = 'uploading';";
}
