namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// The queue's schema, as forward-only migrations. A migration is never edited once released: an appliance that
/// upgrades runs the ones it lacks, in order, each in its own transaction, and keeps its queue.
/// </summary>
internal static class Migrations
{
    public static readonly IReadOnlyList<string> All =
    [
        // 1: instances, studies, audit, outbox.
        """
        CREATE TABLE studies (
            id                INTEGER PRIMARY KEY,
            study_uid         TEXT    NOT NULL UNIQUE,
            pseudonym         TEXT    NOT NULL,          -- HMAC-SHA256(study UID, site secret), truncated: the name used off the box
            patient_key       TEXT,                      -- HMAC-SHA256(patient ID, site secret), truncated
            first_received_at INTEGER NOT NULL,          -- unix milliseconds
            last_received_at  INTEGER NOT NULL,
            instance_count    INTEGER NOT NULL,
            state             TEXT    NOT NULL,          -- open | stable
            manifest_version  INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX studies_by_state ON studies (state, last_received_at);

        CREATE TABLE instances (
            id                  INTEGER PRIMARY KEY,
            sop_instance_uid    TEXT    NOT NULL,
            version             INTEGER NOT NULL,        -- 0; n > 0 for a re-send with other bytes, kept beside the first
            study_id            INTEGER NOT NULL REFERENCES studies (id),
            series_uid          TEXT,
            sop_class_uid       TEXT    NOT NULL,
            transfer_syntax_uid TEXT    NOT NULL,
            size                INTEGER NOT NULL,
            sha256              BLOB    NOT NULL,        -- of the Part 10 file as stored
            local_path          TEXT    NOT NULL UNIQUE, -- relative to the data folder
            source              TEXT    NOT NULL,        -- calling AE title, or serial device
            source_host         TEXT,
            received_at         INTEGER NOT NULL,
            priority            INTEGER NOT NULL,        -- 0 low, 1 medium, 2 high
            state               TEXT    NOT NULL,        -- pending | uploading | uploaded | failed
            attempts            INTEGER NOT NULL DEFAULT 0,
            next_attempt_at     INTEGER NOT NULL,
            lease_owner         TEXT,
            lease_expires_at    INTEGER,
            last_error          TEXT,
            object_key          TEXT,
            destination         TEXT,
            etag                TEXT,
            upload_checkpoint   TEXT,
            UNIQUE (sop_instance_uid, version)
        );
        CREATE INDEX instances_ready ON instances (state, priority DESC, received_at);
        CREATE INDEX instances_by_study ON instances (study_id);

        CREATE TABLE audit (
            id         INTEGER PRIMARY KEY,
            at         INTEGER NOT NULL,
            actor      TEXT    NOT NULL,
            action     TEXT    NOT NULL,
            request_id TEXT,
            result     TEXT    NOT NULL
        );
        CREATE INDEX audit_by_time ON audit (at);

        CREATE TABLE outbox (
            id      INTEGER PRIMARY KEY,
            at      INTEGER NOT NULL,
            type    TEXT    NOT NULL,
            payload TEXT    NOT NULL                     -- JSON, never patient data
        );
        """,

        // 2: which manifest version of each study is in the bucket; the data set's own hash, which decides whether a
        // re-send is identical (the file's hash also covers the meta group, which names the sending device); when each
        // instance was uploaded (throughput for status).
        """
        ALTER TABLE studies ADD COLUMN manifest_uploaded_version INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE instances ADD COLUMN dataset_sha256 BLOB;
        ALTER TABLE instances ADD COLUMN uploaded_at INTEGER;
        CREATE INDEX instances_by_upload_time ON instances (uploaded_at) WHERE uploaded_at IS NOT NULL;
        """,

        // 3: outbox ids never reused. The id is the event's seq on MQTT; without AUTOINCREMENT SQLite hands out
        // max(id)+1 again once telemetry has drained the table, and consumers would see the same seq twice.
        """
        CREATE TABLE outbox_v3 (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            at      INTEGER NOT NULL,
            type    TEXT    NOT NULL,
            payload TEXT    NOT NULL                     -- JSON, never patient data
        );
        INSERT INTO outbox_v3 (id, at, type, payload) SELECT id, at, type, payload FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v3 RENAME TO outbox;
        """,

        // 4: each instance names its patient by keyed hash (never the ID itself), with the keyed hash of the issuer of
        // the patient ID, so that an erasure finds every instance of a patient whatever study it came in. Rows received
        // before take the key of their study; their issuer is unknown (NULL). A new state, 'erasing', marks rows an
        // erasure has claimed: no worker leases them and no upload can be marked done on them.
        """
        ALTER TABLE instances ADD COLUMN patient_key TEXT;
        ALTER TABLE instances ADD COLUMN issuer_key TEXT;
        UPDATE instances SET patient_key = (SELECT s.patient_key FROM studies s WHERE s.id = instances.study_id);
        CREATE INDEX instances_by_patient ON instances (patient_key) WHERE patient_key IS NOT NULL;
        """,

        // 5: request ids of signed MQTT commands, kept until their timestamp leaves the accepted window, so that a
        // captured request cannot be replayed, not even after a restart (Commands/CommandReplayStore). IF NOT EXISTS:
        // tests rewind the schema version to re-run an older migration, and this one must not stand in their way.
        """
        CREATE TABLE IF NOT EXISTS command_request_ids (
            request_id TEXT    PRIMARY KEY,
            expires_at INTEGER NOT NULL                  -- unix seconds
        ) WITHOUT ROWID;
        """,

        // 6: small instances acknowledged with one commit: their Part 10 bytes wait here, in the same FULL transaction as
        // their row, until the materializer has written them to the row's local_path (then the row here is deleted). A
        // row with a pending file is never leased for upload; erasing the instance deletes its bytes (secure_delete).
        """
        CREATE TABLE IF NOT EXISTS pending_files (
            instance_id INTEGER PRIMARY KEY REFERENCES instances (id) ON DELETE CASCADE,
            bytes       BLOB    NOT NULL                 -- the Part 10 file, as it will be written
        );
        """,

        // 7: objects this gateway wrote that failed verification (a body damaged on the way), kept until they are
        // deleted from their store or found replaced by other bytes (Upload/DamagedObjectCleaner). The key is the object
        // key as uploaded (no UID with the default template); the ETag and SHA-256 claim tell the damaged object apart
        // from a verified one under the same key.
        """
        CREATE TABLE IF NOT EXISTS damaged_objects (
            id              INTEGER PRIMARY KEY,
            destination     TEXT    NOT NULL,           -- endpoint name: primary, backup
            object_key      TEXT    NOT NULL,
            bad_etag        TEXT    NOT NULL,           -- the MD5 of the bytes that arrived
            bad_sha256      TEXT,                       -- the SHA-256 its metadata claimed ('' none), NULL not looked at
            recorded_at     INTEGER NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error      TEXT,                       -- a store code, never exception text
            UNIQUE (destination, object_key, bad_etag)
        );
        """,
    ];
}
