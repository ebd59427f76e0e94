namespace Imaging.Edge.Gateway.Erasure;

/// <summary>The statements of a patient erasure, parameterised. Id lists are JSON arrays read with <c>json_each</c>.</summary>
internal static class ErasureSql
{
    /// <summary>
    /// The patient's instances: by the keyed hash of the patient ID and, when an issuer is given, of exactly that issuer.
    /// Rows that record no issuer (devices that send none, rows from before schema 4) match an issuer only when the
    /// operator asks for it (<c>$issuer_optional</c>): they may be another patient who has the same ID at another issuer.
    /// </summary>
    private const string PatientFilter = "patient_key = $patient AND ($issuer IS NULL OR issuer_key = $issuer OR ($issuer_optional AND issuer_key IS NULL))";

    public const string Targets = $"""
        SELECT id, state, local_path, object_key, sop_instance_uid, version, series_uid, study_id, size, sha256
        FROM instances WHERE {PatientFilter} ORDER BY id;
        """;

    /// <summary>Claims them: no worker leases an erasing row, and no upload in flight can be marked done on it. Bytes still
    /// waiting for their file go at once (secure_delete), so the materializer never writes the file afterwards.</summary>
    public const string Claim = $"""
        UPDATE instances SET state = 'erasing', lease_owner = NULL, lease_expires_at = NULL, upload_checkpoint = NULL
        WHERE {PatientFilter};
        DELETE FROM pending_files WHERE instance_id IN (SELECT id FROM instances WHERE {PatientFilter});
        """;

    /// <summary>
    /// The studies the instances belong to, with how many other instances each keeps (not the targets, not claimed by
    /// another erasure), and — when no issuer narrows the erasure — any study recorded under the patient's key (a study
    /// row records no issuer, so with one given it may be the other patient's).
    /// </summary>
    public const string Studies = """
        SELECT s.id, s.study_uid, s.pseudonym, MAX(s.manifest_version, s.manifest_uploaded_version) AS manifest_versions,
               (SELECT COUNT(*) FROM instances i WHERE i.study_id = s.id AND i.state <> 'erasing'
                  AND i.id NOT IN (SELECT value FROM json_each($ids))) AS survivors
        FROM studies s
        WHERE s.id IN (SELECT value FROM json_each($study_ids)) OR ($issuer IS NULL AND s.patient_key = $patient)
        ORDER BY s.id;
        """;

    /// <summary>Rows that name a file in a folder and are not being erased: their files are never swept (a folder two
    /// studies shared before folder names were made collision-free).</summary>
    public const string OthersInFolder = """
        SELECT COUNT(*) FROM instances
        WHERE substr(local_path, 1, length($prefix)) = $prefix AND state <> 'erasing';
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

    public const string SecureDelete = "PRAGMA secure_delete;";
}
