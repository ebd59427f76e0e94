namespace Imaging.Edge.Gateway.Erasure;

/// <summary>The statements of a patient erasure, parameterised. Id lists are JSON arrays read with <c>json_each</c>.</summary>
internal static class ErasureSql
{
    /// <summary>
    /// The patient's instances: by the keyed hash of the patient ID and, when an issuer is given, of that issuer — or
    /// of none recorded (rows from before schema 4, devices that send no issuer: they cannot be told apart, and an
    /// erasure errs on the side of erasing).
    /// </summary>
    private const string PatientFilter = "patient_key = $patient AND ($issuer IS NULL OR issuer_key = $issuer OR issuer_key IS NULL)";

    public const string Targets = $"""
        SELECT id, state, local_path, object_key, sop_instance_uid, version, series_uid, study_id, sha256
        FROM instances WHERE {PatientFilter} ORDER BY id;
        """;

    /// <summary>Claims them: no worker leases an erasing row, and no upload in flight can be marked done on it.</summary>
    public const string Claim = $"""
        UPDATE instances SET state = 'erasing', lease_owner = NULL, lease_expires_at = NULL, upload_checkpoint = NULL
        WHERE {PatientFilter};
        """;

    /// <summary>The studies the instances belong to, and any study recorded under the patient's key.</summary>
    public const string Studies = """
        SELECT s.id, s.study_uid, s.pseudonym, MAX(s.manifest_version, s.manifest_uploaded_version),
               (SELECT COUNT(*) FROM instances i WHERE i.study_id = s.id AND i.state <> 'erasing')
        FROM studies s
        WHERE s.id IN (SELECT value FROM json_each($study_ids)) OR s.patient_key = $patient
        ORDER BY s.id;
        """;

    public const string DeleteInstances = "DELETE FROM instances WHERE id IN (SELECT value FROM json_each($ids)) AND state = 'erasing';";

    /// <summary>Studies left without an instance go; the ones that keep some (another patient's: a broken device) are recounted.</summary>
    public const string DeleteEmptyStudies = """
        DELETE FROM studies WHERE id IN (SELECT value FROM json_each($study_ids))
          AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.study_id = studies.id)
        RETURNING pseudonym;
        """;

    public const string RecountStudies = """
        UPDATE studies SET instance_count = (SELECT COUNT(*) FROM instances i WHERE i.study_id = studies.id),
                           manifest_uploaded_version = CASE WHEN $manifests_deleted THEN 0 ELSE manifest_uploaded_version END
        WHERE id IN (SELECT value FROM json_each($study_ids));
        """;

    /// <summary>Events not yet published that name an erased study (by pseudonym) or an erased instance (by row id).</summary>
    public const string DeleteEvents = """
        DELETE FROM outbox
        WHERE json_extract(payload, '$.study') IN (SELECT value FROM json_each($pseudonyms))
           OR json_extract(payload, '$.instance') IN (SELECT value FROM json_each($ids));
        """;

    public const string InsertEvent = "INSERT INTO outbox (at, type, payload) VALUES ($now, $type, $payload);";

    public const string InsertAudit = "INSERT INTO audit (at, actor, action, request_id, result) VALUES ($now, $actor, $action, $request, $result);";

    /// <summary>Copies the WAL into the database and truncates it to zero bytes, so old page images do not linger there.</summary>
    public const string CheckpointTruncate = "PRAGMA wal_checkpoint(TRUNCATE);";

    public const string SecureDelete = "PRAGMA secure_delete;";
}
