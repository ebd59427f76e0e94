using System.Collections.Frozen;

namespace Imaging.Edge.Gateway.Privacy;

/// <summary>
/// The one place that decides what may leave the box for operations or land beside an object: the fields an event
/// may carry (MQTT, console), the metadata an object may carry, and how an error is described to a caller. Each
/// allowed field is a count, a state, a code, a time, an AE title, a pseudonym or a keyed hash — never a patient
/// attribute. Adding a field is a decision: put it here, with the reason if it is not obvious. Log templates are held
/// to the same rule by a test over every <c>[LoggerMessage]</c> of the product (Gateway.Tests, OutboundTests).
/// </summary>
internal static class Outbound
{
    /// <summary>Names an event payload may use (docs/telemetry.md, "events").</summary>
    public static readonly FrozenSet<string> EventFields = new[]
    {
        "study",            // the study's pseudonym (keyed hash of the Study Instance UID)
        "patient",          // the patient's keyed hash (erasure only)
        "instance",         // the queue row id, meaningful only with `imaging-edge queue show` on the box
        "instances", "studies", "files", "objects", "bytes", "count", "version", "manifestVersion",
        "identical", "reopened", "ok",
        "source",           // calling AE title or device name: names a machine, not a person
        "destination",      // endpoint names (primary, backup, file)
        "error",            // store error codes and states (AccessDenied, file missing), never exception text
        "reason",           // a code: age, high-water
        "belowReserve", "freeBytes", "reserveBytes",
        "command", "requestId", "actor",
        "device", "port",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Metadata keys an uploaded object may carry (besides its key and bytes).</summary>
    public static readonly FrozenSet<string> ObjectMetadataKeys = new[]
    {
        CloudSync.Upload.ObjectMetadata.Sha256,
        CloudSync.Upload.ObjectMetadata.SopClass,
        CloudSync.Upload.ObjectMetadata.TransferSyntax,
        CloudSync.Upload.ObjectMetadata.Gateway,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Words that name a patient attribute; a log template parameter or event field containing one is refused.</summary>
    public static readonly IReadOnlyList<string> PatientWords = ["patient", "birth", "address", "phone", "name"];

    /// <summary>Throws (a programming error, caught by tests) if an event would carry a field not decided here.</summary>
    public static void CheckEventFields(IEnumerable<string> names)
    {
        foreach (var name in names)
            if (!EventFields.Contains(name))
                throw new InvalidOperationException($"event field '{name}' is not in Privacy.Outbound.EventFields");
    }

    /// <summary>Throws if an object would carry metadata not decided here.</summary>
    public static IReadOnlyDictionary<string, string> CheckMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var key in metadata.Keys)
            if (!ObjectMetadataKeys.Contains(key))
                throw new InvalidOperationException($"object metadata '{key}' is not in Privacy.Outbound.ObjectMetadataKeys");
        return metadata;
    }

    /// <summary>
    /// How an exception is described to someone off the box (a command's answer, an event): its kind only. Its
    /// message may name files, and file names carry UIDs; the full text stays in the local journal.
    /// </summary>
    public static string ErrorText(Exception exception) => exception.GetType().Name;
}
