namespace Imaging.Edge.Gateway.Cli;

internal static class Usage
{
    public const string Text = """
        imaging-edge — DICOM and serial intake appliance

        usage:
          imaging-edge run [--config FILE]
              Run the gateway. Without --config it runs on its embedded defaults (DICOM on port 11112,
              data under ./var). Every key can be overridden with IMAGING_EDGE__Section__Key.
          imaging-edge echo HOST PORT [--aet CALLING] [--aec CALLED]
              Send a DICOM C-ECHO and print the status and round-trip time.
          imaging-edge send HOST PORT PATH... [--aet CALLING] [--aec CALLED] [--quiet]
              Send Part 10 files (folders are searched recursively) with C-STORE, each in its own
              transfer syntax, over one association.
          imaging-edge queue [--config FILE] [--json] list [--state pending|uploading|failed|uploaded|evicted|all]
              List the queue grouped by study pseudonym (default states: pending, uploading, failed;
              several may be given, comma-separated), with counts, bytes waiting and the oldest age.
          imaging-edge queue [--config FILE] [--json] show ID|SOP_INSTANCE_UID
              Every field of one queued instance (every stored version for a SOP Instance UID).
          imaging-edge queue [--config FILE] [--json] retry ID|--all-failed
              Put failed instances back to pending (audited); exit 1 when nothing was failed.
              queue reads the data folder of the configuration (as run does), beside the running
              service; it never creates it.
          imaging-edge status [--config FILE] [--json]
              The running gateway's status (as published on MQTT: state and reasons, queue, uploads,
              circuits, receiver, disk); when no gateway runs, what the queue and the disk say.
              Exit 1 when instances have failed or the gateway is degraded.
          imaging-edge control NAME [key=value ...] [--config FILE]
              Give the running gateway an operator command through its control socket (audited):
              ping, status, retry-failed, pause-uploads, resume-uploads, resend-study study=PSEUDONYM,
              reload-profiles. Prints the JSON answer; exit 1 on an error answer or no gateway.
          imaging-edge erase-patient --patient-id ID [--issuer ISSUER [--issuer-optional]] [--cloud] [--dry-run]
                  [--force-placeholder] [--config FILE] [--json]
              Erase a patient at once: every local file, queue row and pending upload of the patient, and its
              copies in a file store inside the data folder; with --cloud also its objects and study manifests
              in every configured bucket. Every issuer unless --issuer is given, which matches exactly
              (--issuer-optional: instances without an issuer too). A placeholder-like ID (UNKNOWN, ANONYMOUS,
              0, N/A, blank...) is refused unless --force-placeholder. --dry-run reports what would be erased,
              per study pseudonym, and changes nothing. Audited as local:{user}; prints what was deleted where
              (the patient only as its keyed hash). Exit 1 when nothing matched (still audited) or objects
              could not be deleted; 2 for a refused placeholder ID.
          imaging-edge decommission [--force] [--config FILE]
              Wipe the box for return or replacement: queue, spool, studies, quarantine, site secret and the
              key files the configuration names; leaves decommissioned.json. Refuses while the gateway runs,
              and, unless --force, while instances are pending, uploading or failed, or their only uploaded
              copy is in a file store inside the data folder (the default {DataDir}/cloud).
          imaging-edge profiles list [--config FILE]
              The hardware profiles the gateway reads (Serial:ProfilesDirectory, else the packaged ones), each
              with maker, model, link, parser and output or INVALID; then the configured devices. Exit 1 when
              one is invalid.
          imaging-edge profiles capture PORT --profile PROFILE --out FILE [--seconds N] [--passive]
              Record what a device sends, byte for byte, for support or to write a profile (replay reads it).
              Answers the device as the gateway would (ASTM: ACK) unless --passive; stores nothing. Stop the
              gateway first (it holds the port). The file holds patient data.
          imaging-edge profiles validate FILE...
              Check serial-device profiles (hardware-profiles/*.json): every error with its JSON path; exit 1
              when one is invalid.
          imaging-edge profiles replay PROFILE CAPTURE [--out DIR]
              PROFILE is a file or a profile's name. Run a capture (the bytes a device sent) through the profile's link and parser offline, print
              what was understood (no patient identity), and with --out write the DICOM objects (SR, Raw Data)
              the gateway would store. Exit 1 on a link or parse problem, 2 for a profile that does not load.
          imaging-edge provision [--config FILE] [--credentials-dir DIR] [--site ID] [--gateway-id ID] [--data-dir DIR]
                  [--ae-title AE] [--port N] [--bind-address IP] [--device AE[@HOST]]...
                  [--destination cos|aws|minio|s3rver|s3] [--bucket NAME] [--region R] [--endpoint URL] [--path-style]
                  [--access-key -|--access-key-file FILE] [--secret-key -|--secret-key-file FILE]
                  [--mqtt-host HOST] [--mqtt-port N] [--mqtt-tls] [--mqtt-ca-file FILE] [--mqtt-cert-file FILE]
                  [--mqtt-key-file FILE] [--mqtt-username NAME] [--mqtt-password -|--mqtt-password-file FILE]
                  [--no-doctor] [--non-interactive]
              Set up the box: on a terminal it asks for what the flags do not give. Secrets are read from standard
              input ('-': one line each, access key, secret key, MQTT password) or a file, never from the command
              line, and written 0600 to the credential files (default /etc/imaging-edge/credentials). The
              configuration (default /etc/imaging-edge/edge.json) is validated, then replaced atomically; the previous
              one is kept as edge.json.bak-TIME. Then runs doctor. Exit 2 when the result would be invalid.
          imaging-edge doctor [--config FILE] [--json] [--credentials-dir DIR]
              Will this box work? One line per check (✓ ok, ✗ failed, ! warning or not applicable) with the fix:
              configuration, credentials, DICOM port, serial ports, S3 bucket (a probe put, read back and deleted, with
              the upload rate), clock against the S3 server, MQTT, disk, the systemd service. Without --config it
              reads /etc/imaging-edge/edge.json when there is one. Exit 1 when a check failed.
          imaging-edge --version | --help

        exit codes: 0 success, 1 failure, 2 bad command line or configuration
        """;
}
