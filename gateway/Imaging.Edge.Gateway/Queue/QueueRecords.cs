namespace Imaging.Edge.Gateway.Queue;

/// <summary>States of an instance in the queue.</summary>
internal static class InstanceStates
{
    public const string Pending = "pending";
    public const string Uploading = "uploading";
    public const string Uploaded = "uploaded";
    public const string Failed = "failed";

    /// <summary>
    /// The local copy was deleted by retention after the cloud copy had been verified (it was <see cref="Uploaded"/>).
    /// The row stays: manifests stay complete and an identical re-send is still recognised. Never leased again.
    /// </summary>
    public const string Evicted = "evicted";

    /// <summary>Claimed by a patient erasure: never leased, never marked uploaded; the row is deleted when the erasure ends.</summary>
    public const string Erasing = "erasing";

    /// <summary>The last error of a row whose file was gone at start-up; such a row is never retried by itself.</summary>
    public const string FileMissing = "file missing";
}

/// <summary>Upload priority: DIMSE priority HIGH or a device configured High comes first.</summary>
internal static class Priorities
{
    public const int Low = 0, Medium = 1, High = 2;

    /// <summary>The queue's priority for a DIMSE priority (a C-STORE's, or the one configured for a device).</summary>
    public static int From(Dicom.Dimse.DimsePriority priority) => priority switch
    {
        Dicom.Dimse.DimsePriority.High => High,
        Dicom.Dimse.DimsePriority.Low => Low,
        _ => Medium,
    };
}

/// <summary>An instance that is durable on disk and about to be queued.</summary>
internal sealed record NewInstance(
    string SopInstanceUid,
    int Version,
    string StudyUid,
    string StudyPseudonym,
    string? PatientKey,
    string? IssuerKey,
    string? SeriesUid,
    string SopClassUid,
    string TransferSyntaxUid,
    long Size,
    byte[] Sha256,
    byte[] DataSetSha256,
    string LocalPath,
    string Source,
    string? SourceHost,
    int Priority);

/// <summary>A stored copy of a SOP instance, as the duplicate check sees it.</summary>
/// <param name="FilePending">Its bytes wait in <c>pending_files</c>: kept, though its file is not written yet.</param>
internal sealed record StoredCopy(long Id, int Version, byte[] Sha256, byte[] DataSetSha256, string State, string LocalPath, bool FilePending = false);

/// <summary>One row of the queue with its study.</summary>
internal sealed record QueuedInstance(
    long Id,
    string SopInstanceUid,
    int Version,
    long StudyId,
    string StudyUid,
    string StudyPseudonym,
    string? SeriesUid,
    string SopClassUid,
    string TransferSyntaxUid,
    long Size,
    byte[] Sha256,
    string LocalPath,
    string Source,
    string? SourceHost,
    DateTimeOffset ReceivedAt,
    int Priority,
    string State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    string? ObjectKey,
    string? Destination,
    string? ETag,
    string? UploadCheckpoint);

/// <summary>A study that has just become stable (no instance for <c>Queue:StableStudySeconds</c>).</summary>
internal sealed record StableStudy(long Id, string Pseudonym, int InstanceCount, int ManifestVersion);

/// <summary>Counts for status and telemetry.</summary>
/// <param name="Evicted">Uploaded instances whose local copy retention has deleted (the cloud copy is verified).</param>
internal sealed record QueueStats(long Pending, long Uploading, long Uploaded, long Failed, long BytesPending, DateTimeOffset? OldestPending, long Evicted = 0, long Erasing = 0);

/// <summary>What start-up recovery needs of a row.</summary>
internal sealed record InstancePathState(long Id, string LocalPath, string State, string? LastError);

/// <summary>Uploads in a recent window, for status.</summary>
internal sealed record RecentUploads(long Count, long Bytes, DateTimeOffset? Last, string? LastDestination);

/// <summary>An event waiting in the outbox; <see cref="Payload"/> is JSON without patient data.</summary>
internal sealed record OutboxEvent(long Id, DateTimeOffset At, string Type, string Payload);
