using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>Log messages of patient erasure. The patient is named by its keyed hash only; never an ID, a name, a UID or a file name.</summary>
internal static partial class ErasureLog
{
    [LoggerMessage(8100, LogLevel.Information, "Erasure {RequestId} of patient {PatientKey}: {Instances} instances claimed ({Cancelled} uploads cancelled), {Studies} studies")]
    public static partial void Claimed(ILogger logger, string requestId, string patientKey, int instances, int cancelled, int studies);

    [LoggerMessage(8101, LogLevel.Warning, "Erasure {RequestId}: {Store} could not delete {Failed} of {Requested} objects ({Error})")]
    public static partial void ObjectsNotDeleted(ILogger logger, string requestId, string store, int failed, int requested, string error);

    [LoggerMessage(8102, LogLevel.Information, "Erasure {RequestId} of patient {PatientKey} completed: {Instances} instances, {Studies} studies, {Files} files, {Objects} objects")]
    public static partial void Completed(ILogger logger, string requestId, string patientKey, int instances, int studies, int files, int objects);

    [LoggerMessage(8103, LogLevel.Warning, "Erasure {RequestId}: a local file could not be deleted ({Error})")]
    public static partial void FileNotDeleted(ILogger logger, string requestId, string error);

    [LoggerMessage(8104, LogLevel.Warning, "Erasure {RequestId}: the WAL could not be truncated now (a reader holds it); it is truncated at the next checkpoint")]
    public static partial void WalNotTruncated(ILogger logger, string requestId);

    [LoggerMessage(8106, LogLevel.Warning, "Erasure {RequestId}: the queue database could not be rebuilt ({Error}); the deleted rows are zeroed, but old copies of moved rows may stay in its free space until an erasure rebuilds it: give the same request again when the disk has room")]
    public static partial void NotCompacted(ILogger logger, string requestId, string error);

    [LoggerMessage(8105, LogLevel.Warning, "Erasure {RequestId} incomplete: {Problem}")]
    public static partial void Incomplete(ILogger logger, string requestId, string problem);
}
