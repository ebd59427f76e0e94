using System.Globalization;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>One study an erasure would touch, named by its pseudonym. <see cref="Removed"/>: no instance of it would remain.</summary>
internal sealed record StudyPreview(string Pseudonym, int Instances, long Bytes, int Files, bool Removed);

/// <summary>The object keys an erasure would delete from one store (some may not exist there: a delete of those is a no-op).</summary>
internal sealed record StorePreview(string Name, string Location, bool OnBox, int Objects);

/// <summary>
/// What an erasure would delete (<c>--dry-run</c>), found without changing anything: no claim, no audit row, no event.
/// Names the patient by its keyed hash and studies by their pseudonyms; no UID, no file name. <see cref="Refusal"/>:
/// the erasure itself would be refused as it stands (a placeholder-like ID, not forced).
/// </summary>
internal sealed record ErasurePreview(
    string Patient, bool IssuerGiven, bool IssuerOptional, bool Cloud, string? Refusal, IReadOnlyList<StudyPreview> Studies, IReadOnlyList<StorePreview> Buckets)
{
    public int Instances => Studies.Sum(s => s.Instances);
    public long Bytes => Studies.Sum(s => s.Bytes);
    public int LocalFiles => Studies.Sum(s => s.Files);
    public int StudiesRemoved => Studies.Count(s => s.Removed);
    public bool Matched => Studies.Count > 0;

    public JsonObject ToJson() => new()
    {
        ["dryRun"] = true,
        ["patient"] = Patient,
        ["issuerGiven"] = IssuerGiven,
        ["issuerOptional"] = IssuerOptional,
        ["matched"] = Matched,
        ["refusal"] = Refusal,
        ["local"] = new JsonObject { ["instances"] = Instances, ["bytes"] = Bytes, ["files"] = LocalFiles, ["studiesRemoved"] = StudiesRemoved },
        ["studies"] = new JsonArray(Studies.Select(s => (JsonNode)new JsonObject
        {
            ["study"] = s.Pseudonym, ["instances"] = s.Instances, ["bytes"] = s.Bytes, ["files"] = s.Files, ["removed"] = s.Removed,
        }).ToArray()),
        ["cloud"] = new JsonObject
        {
            ["requested"] = Cloud,
            ["buckets"] = new JsonArray(Buckets.Select(b => (JsonNode)new JsonObject
            {
                ["name"] = b.Name, ["location"] = b.Location, ["onBox"] = b.OnBox, ["objects"] = b.Objects,
            }).ToArray()),
        },
    };

    /// <summary>The audit row's text when a dry run comes as a command (the dispatcher audits every command): counts and hashes only.</summary>
    public string AuditText() => string.Create(CultureInfo.InvariantCulture,
        $"dry run, nothing changed: patient {Patient}{ErasureResult.IssuerText(IssuerGiven, IssuerOptional)}: would erase instances {Instances}, bytes {Bytes}, files {LocalFiles}, studies {Studies.Count} ({StudiesRemoved} removed), objects {(Buckets.Count == 0 ? "none" : string.Join(", ", Buckets.Select(b => $"{b.Name} {b.Objects}")))}{(Refusal is null ? "" : "; refused as it stands (placeholder ID)")}");
}
