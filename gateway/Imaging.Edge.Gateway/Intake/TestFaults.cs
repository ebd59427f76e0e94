namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// Power-cut points for the crash tests, read from <c>IMAGING_EDGE_TEST_FAULT</c> here and nowhere else; the unit and
/// the packages never set it. When the variable names a point of <see cref="Points"/>, the process SIGKILLs itself
/// the first time it gets there (a power cut stand-in); <c>hold-materializer</c> leaves the files of small instances
/// to be written by start-up recovery. The integration tests run one crash test per point of <see cref="Points"/>,
/// so a new step gets its test by being added here.
/// </summary>
internal static class TestFaults
{
    // Intake of an instance larger than the in-memory limit (spool file).
    public static readonly PowerCutPoint IntakeAfterWrite = new("intake-after-write", PowerCutArea.Intake, "every byte in the spool file, not flushed");
    public static readonly PowerCutPoint IntakeAfterFlush = new("intake-after-flush", PowerCutArea.Intake, "spool file fsynced, not renamed");
    public static readonly PowerCutPoint IntakeAfterRename = new("intake-after-rename", PowerCutArea.Intake, "renamed into its study folder, folder not fsynced");
    public static readonly PowerCutPoint IntakeAfterFolderFlush = new("intake-after-folder-flush", PowerCutArea.Intake, "folder fsynced, row not committed");
    public static readonly PowerCutPoint IntakeAfterCommit = new("intake-after-commit", PowerCutArea.Intake, "row committed, before the response");

    // Intake of a small instance (bytes and row in one commit).
    public static readonly PowerCutPoint SmallAfterCommit = new("intake-small-after-commit", PowerCutArea.Intake, "bytes and row committed, before the response");

    // Writing the files of small instances.
    public static readonly PowerCutPoint BeforeMaterialize = new("kill-before-materialize", PowerCutArea.Materialize, "acknowledged, no file written yet");
    public static readonly PowerCutPoint AfterMaterialize = new("kill-after-materialize", PowerCutArea.Materialize, "files written and synced, bytes not yet forgotten");

    // Upload (multipart for the large instance).
    public static readonly PowerCutPoint UploadAfterPart = new("upload-after-part", PowerCutArea.Upload, "one part uploaded and its checkpoint saved");
    public static readonly PowerCutPoint UploadBeforeMarkUploaded = new("upload-before-mark-uploaded", PowerCutArea.Upload, "object complete and verified, not marked uploaded");
    public static readonly PowerCutPoint UploadAfterMarkUploaded = new("upload-after-mark-uploaded", PowerCutArea.Upload, "marked uploaded (NORMAL commit), nothing after");

    // A study's manifest, once the study is stable.
    public static readonly PowerCutPoint ManifestAfterSpoolWrite = new("manifest-after-spool-write", PowerCutArea.Manifest, "manifest written to its spool file, not uploaded");

    // Retention (Retention:KeepUploadedDays = 0).
    public static readonly PowerCutPoint RetentionAfterEvictedCommit = new("retention-after-evicted-commit", PowerCutArea.Retention, "rows evicted, files not deleted");
    public static readonly PowerCutPoint RetentionAfterDelete = new("retention-after-delete", PowerCutArea.Retention, "files deleted, before the next sweep");

    // Erasure of a patient.
    public static readonly PowerCutPoint ErasureAfterClaim = new("erasure-after-claim", PowerCutArea.Erasure, "rows claimed, nothing deleted");
    public static readonly PowerCutPoint ErasureAfterLocalDelete = new("erasure-after-local-delete", PowerCutArea.Erasure, "local files deleted, objects not");
    public static readonly PowerCutPoint ErasureAfterObjectDelete = new("erasure-after-object-delete", PowerCutArea.Erasure, "objects deleted, rows not");
    public static readonly PowerCutPoint ErasureAfterRowsDelete = new("erasure-after-rows-delete", PowerCutArea.Erasure, "rows deleted, WAL not truncated");

    /// <summary>Every point, in the order of the path.</summary>
    public static readonly IReadOnlyList<PowerCutPoint> Points =
    [
        IntakeAfterWrite, IntakeAfterFlush, IntakeAfterRename, IntakeAfterFolderFlush, IntakeAfterCommit, SmallAfterCommit,
        BeforeMaterialize, AfterMaterialize,
        UploadAfterPart, UploadBeforeMarkUploaded, UploadAfterMarkUploaded,
        ManifestAfterSpoolWrite,
        RetentionAfterEvictedCommit, RetentionAfterDelete,
        ErasureAfterClaim, ErasureAfterLocalDelete, ErasureAfterObjectDelete, ErasureAfterRowsDelete,
    ];

    private static readonly string? Fault = Environment.GetEnvironmentVariable("IMAGING_EDGE_TEST_FAULT");

    public static bool HoldMaterializer => Fault == "hold-materializer";

    /// <summary>SIGKILLs this process when <paramref name="point"/> is the configured fault.</summary>
    public static void KillAt(PowerCutPoint point)
    {
        if (Fault is not null && Fault == point.Name)
            System.Diagnostics.Process.GetCurrentProcess().Kill();
    }
}

/// <summary>Which path a power-cut point belongs to: the crash test drives that path to reach it.</summary>
internal enum PowerCutArea
{
    Intake,
    Materialize,
    Upload,
    Manifest,
    Retention,
    Erasure,
}

/// <summary>A named step after which the crash tests cut the power.</summary>
internal sealed record PowerCutPoint(string Name, PowerCutArea Area, string State)
{
    public override string ToString() => Name;
}
