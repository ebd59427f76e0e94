using System.Collections.Frozen;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>
/// Patient IDs that devices put where the real one is unknown (emergency, test or anonymised studies): erasing one of
/// them would wipe every unidentified patient on the box at once, so an erasure refuses them unless the operator forces
/// it (after a dry run). The list errs on the side of asking: a real ID refused here can still be erased when forced.
/// </summary>
internal static class PlaceholderPatientIds
{
    /// <summary>Compared after dropping everything that is not a letter or a digit and upper-casing (so <c>N/A</c>, <c>n.a.</c>, <c>No ID</c> match).</summary>
    private static readonly FrozenSet<string> Words = new[]
    {
        "UNKNOWN", "UNK", "UNKN", "ANONYMOUS", "ANON", "ANONYMIZED", "ANONYMISED", "NA", "NONE", "NULL", "NIL", "EMPTY", "BLANK",
        "MISSING", "NOID", "NOPID", "NOPATIENTID", "NOTAVAILABLE", "NOTAPPLICABLE", "ID", "PID", "PATIENTID", "PATIENT", "TEST",
        "TBD", "TEMP", "DEFAULT", "NOBODY",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Why <paramref name="patientId"/> looks like a placeholder (a short phrase that does not repeat it), or null when it does not.</summary>
    public static string? Kind(string patientId)
    {
        var core = new string(patientId.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        if (core.Length == 0) return "blank or punctuation only";
        if (core.All(c => c == '0')) return "all zeros";
        if (core.All(c => c == core[0])) return "one character repeated";
        if (Words.Contains(core)) return "a word devices send for an unknown, anonymous or test patient";
        return null;
    }
}
