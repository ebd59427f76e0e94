using System.Globalization;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>
/// What the hospital asked to erase. <see cref="PatientId"/> and <see cref="Issuer"/> never leave the eraser.
/// With an <see cref="Issuer"/>, only instances that name exactly that issuer match, unless <see cref="IssuerOptional"/>
/// (then instances that name no issuer match too); without one, every issuer. <see cref="AllowPlaceholder"/>: the
/// operator forces an ID that <see cref="PlaceholderPatientIds"/> recognises.
/// </summary>
internal sealed record ErasureRequest(string PatientId, string? Issuer, bool Cloud, string Actor, string RequestId, bool IssuerOptional = false, bool AllowPlaceholder = false)
{
    /// <summary>Why this request must not run (a placeholder-like patient ID, not forced), or null. Never repeats the ID.</summary>
    public string? Refusal => !AllowPlaceholder && PlaceholderPatientIds.Kind(PatientId) is { } kind
        ? $"the patient ID looks like a placeholder ({kind}): erasing it would erase every patient sent with it; see what it matches with a dry run, then force it"
        : null;

    /// <summary>Never print the patient: a record would otherwise print every property.</summary>
    public override string ToString() =>
        $"ErasureRequest {{ Cloud = {Cloud}, IssuerOptional = {IssuerOptional}, AllowPlaceholder = {AllowPlaceholder}, Actor = {Actor}, RequestId = {RequestId} }}";
}

/// <summary>Objects deleted from one bucket (or folder store). <see cref="OnBox"/>: a file store inside the data folder.</summary>
internal sealed record BucketErasure(string Name, string Location, int Requested, int Deleted, int Failed, string? Error, bool OnBox = false);

/// <summary>
/// What an erasure deleted, and where. Names the patient only by its keyed hash; carries no UID, no file name.
/// <see cref="Complete"/> is false when some object could not be deleted: the instance rows are then kept (state
/// <c>erasing</c>, never uploaded again) so that the same request, given again, finishes the job.
/// </summary>
internal sealed record ErasureResult(
    string RequestId,
    string Patient,
    bool IssuerGiven,
    bool IssuerOptional,
    bool PlaceholderForced,
    bool Cloud,
    bool Complete,
    int Instances,
    int Studies,
    int CancelledUploads,
    int LocalFiles,
    int Folders,
    int EventsDeleted,
    IReadOnlyList<BucketErasure> Buckets,
    bool WalTruncated,
    bool SecureDelete,
    string? Problem)
{
    public bool Matched => Instances > 0 || Studies > 0;

    /// <summary>The queue database was rebuilt from its rows (VACUUM): no old copy of an erased row in its free space.</summary>
    public bool Compacted { get; init; }

    public int ObjectsDeleted => Buckets.Sum(b => b.Deleted);

    public JsonObject ToJson()
    {
        var buckets = new JsonArray();
        foreach (var b in Buckets)
        {
            buckets.Add(new JsonObject
            {
                ["name"] = b.Name, ["location"] = b.Location, ["requested"] = b.Requested, ["deleted"] = b.Deleted, ["failed"] = b.Failed,
                ["error"] = b.Error, ["onBox"] = b.OnBox,
            });
        }
        return new JsonObject
        {
            ["requestId"] = RequestId,
            ["patient"] = Patient,
            ["issuerGiven"] = IssuerGiven,
            ["issuerOptional"] = IssuerOptional,
            ["placeholderForced"] = PlaceholderForced,
            ["complete"] = Complete,
            ["matched"] = Matched,
            ["local"] = new JsonObject
            {
                ["instances"] = Instances,
                ["studies"] = Studies,
                ["files"] = LocalFiles,
                ["folders"] = Folders,
                ["cancelledUploads"] = CancelledUploads,
                ["events"] = EventsDeleted,
                ["compacted"] = Compacted,
                ["walTruncated"] = WalTruncated,
                ["secureDelete"] = SecureDelete,
            },
            ["cloud"] = new JsonObject { ["requested"] = Cloud, ["objects"] = ObjectsDeleted, ["buckets"] = buckets },
            ["problem"] = Problem,
        };
    }

    /// <summary>The audit row's text: counts and the keyed hash, nothing else.</summary>
    public string AuditText()
    {
        var buckets = Buckets.Count == 0
            ? "none"
            : string.Join(", ", Buckets.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Name} {b.Deleted}/{b.Requested}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"patient {Patient}{IssuerText(IssuerGiven, IssuerOptional)}{(PlaceholderForced ? " (placeholder ID forced)" : "")}: {(Complete ? "complete" : "INCOMPLETE")}; instances {Instances}, studies {Studies}, files {LocalFiles}, cancelled uploads {CancelledUploads}, events {EventsDeleted}; cloud {(Cloud ? "yes" : "no")}, objects {buckets}");
    }

    /// <summary>How the issuer matched, for texts: nothing (every issuer), exactly one, or one or none.</summary>
    public static string IssuerText(bool given, bool optional) => given ? (optional ? " (with issuer, or none)" : " (with issuer)") : "";
}
