using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Imaging.Edge.CloudSync.Keys;

/// <summary>The values an object key may be built from. <see cref="Sha256"/>: the SHA-256 of the stored file.</summary>
public sealed record ObjectKeyValues(string Site, string Gateway, string Study, string StudyKey, string Series, string Instance, int Version, byte[] Sha256);

/// <summary>
/// Object keys from a template such as <c>{site}/{gateway}/{studyKey}/{sha256}.dcm</c> (the default). Placeholders:
/// {site}, {gateway}, {study} (Study Instance UID), {studyKey} (its pseudonym), {series} (Series Instance UID),
/// {instance} (SOP Instance UID, with <c>.vN</c> for a kept re-send with other bytes), {sha256} (the file's SHA-256,
/// hex). Unknown placeholders are refused when the template is parsed.
/// </summary>
/// <remarks>
/// The default names no UID: keys travel further than the objects (bucket listings and inventories, access logs,
/// audit trails, error texts, <c>queue show</c>), and some vendors derive UIDs from the MRN or accession number. The
/// study is named by its pseudonym, the instance by the hash of its bytes, which is also collision-free: a re-send
/// with other bytes gets another key by itself, and {gateway} keeps the gateways of one site apart in one bucket.
/// The manifest inside the study's folder maps the keys to the UIDs for whoever may read the objects.
/// </remarks>
public sealed partial class ObjectKeyTemplate
{
    public const string Default = "{site}/{gateway}/{studyKey}/{sha256}.dcm";

    private static readonly HashSet<string> Known = ["site", "gateway", "study", "studyKey", "series", "instance", "sha256"];

    // Placeholders that name more than the study: the study's prefix ends before the first of them.
    private static readonly string[] BelowStudy = ["{series}", "{instance}", "{sha256}"];
    private readonly string _template;

    private ObjectKeyTemplate(string template) => _template = template;

    /// <summary>Parses a template. Throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static ObjectKeyTemplate Parse(string template)
    {
        if (string.IsNullOrWhiteSpace(template)) throw new FormatException("the key template is empty");
        if (template.StartsWith('/')) throw new FormatException("the key template must not start with '/'");
        foreach (Match match in Placeholder().Matches(template))
        {
            if (!Known.Contains(match.Groups[1].Value))
                throw new FormatException($"unknown placeholder {{{match.Groups[1].Value}}} (known: {string.Join(", ", Known.Order().Select(k => "{" + k + "}"))})");
        }
        if (!template.Contains("{instance}", StringComparison.Ordinal) && !template.Contains("{sha256}", StringComparison.Ordinal))
            throw new FormatException("the key template must contain {instance} or {sha256}, or objects would overwrite each other");
        return new ObjectKeyTemplate(template);
    }

    public string KeyFor(ObjectKeyValues values) => Render(_template, values);

    /// <summary>
    /// The key prefix under which a study's objects sit: the template up to its first per-series or per-instance
    /// placeholder, cut back to the last '/' (for the default, <c>{site}/{gateway}/{studyKey}/</c>). Study manifests go there.
    /// </summary>
    public string StudyPrefix(ObjectKeyValues values) => Render(StudyPart, values);

    /// <summary>
    /// The key of a study's manifest: <c>manifest.v{N}.json</c> in its study prefix, or <c>manifest.{gateway}.v{N}.json</c>
    /// when the prefix does not name the gateway — each gateway of a site describes what it uploaded, and no manifest
    /// of one overwrites another's.
    /// </summary>
    public string ManifestKey(ObjectKeyValues values, int version)
    {
        var gateway = StudyPart.Contains("{gateway}", StringComparison.Ordinal) ? "" : Segment(values.Gateway) + ".";
        return StudyPrefix(values) + string.Create(CultureInfo.InvariantCulture, $"manifest.{gateway}v{version}.json");
    }

    /// <summary>
    /// The prefix that only this gateway's keys (objects and manifests) start with: the template up to its first
    /// placeholder other than {site} and {gateway}, cut back to the last '/' (for the default, <c>{site}/{gateway}/</c>).
    /// Null when that prefix does not name the gateway: keys of several gateways may then share a prefix, and nothing
    /// under it can be told to be this gateway's.
    /// </summary>
    public string? GatewayPrefix(string site, string gateway)
    {
        var first = Placeholder().Matches(_template).FirstOrDefault(m => m.Groups[1].Value is not ("site" or "gateway"));
        var part = Cut(first?.Index ?? _template.Length);
        if (!part.Contains("{gateway}", StringComparison.Ordinal)) return null;
        return Render(part, new ObjectKeyValues(site, gateway, "", "", "", "", 0, []));
    }

    /// <summary>
    /// Where an object goes when its key already holds other bytes: the key with <c>.sha256-{first 16 hex digits}</c>
    /// before the extension of its last segment (<c>a/1.2.3.dcm</c> → <c>a/1.2.3.sha256-0123456789abcdef.dcm</c>).
    /// The same bytes always get the same alternative, so a retry finds its own copy there.
    /// </summary>
    public static string WithContentSuffix(string key, byte[] sha256)
    {
        var suffix = ".sha256-" + Convert.ToHexStringLower(sha256)[..Math.Min(16, sha256.Length * 2)];
        var lastSegment = key.LastIndexOf('/') + 1;
        var dot = key.LastIndexOf('.');
        var hasExtension = dot > lastSegment && dot < key.Length - 1 && key[(dot + 1)..].All(char.IsAsciiLetter);
        return hasExtension ? key[..dot] + suffix + key[dot..] : key + suffix;
    }

    private string StudyPart
    {
        get
        {
            var cuts = BelowStudy.Select(p => _template.IndexOf(p, StringComparison.Ordinal)).Where(i => i >= 0);
            return Cut(cuts.Min());
        }
    }

    /// <summary>The template before <paramref name="index"/>, cut back to its last '/' (empty when there is none).</summary>
    private string Cut(int index) => _template[..(_template.LastIndexOf('/', Math.Max(0, index - 1)) + 1)];

    private static string Render(string template, ObjectKeyValues values)
    {
        var instance = values.Version == 0 ? values.Instance : $"{values.Instance}.v{values.Version}";
        return Placeholder().Replace(template, match => match.Groups[1].Value switch
        {
            "site" => Segment(values.Site),
            "gateway" => Segment(values.Gateway),
            "study" => Segment(values.Study),
            "studyKey" => Segment(values.StudyKey),
            "series" => Segment(values.Series),
            "instance" => Segment(instance),
            "sha256" => Segment(Convert.ToHexStringLower(values.Sha256)),
            _ => throw new InvalidOperationException("unreachable: placeholders are checked by Parse"),
        });
    }

    /// <summary>A value becomes one safe path segment: UIDs pass unchanged, anything else loses '/', '\' and control characters.</summary>
    private static string Segment(string value)
    {
        if (value.Length == 0) return "none";
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
            builder.Append(c is '/' or '\\' || char.IsControl(c) ? '_' : c);
        var segment = builder.ToString();
        return segment is "." or ".." ? "_" : segment;
    }

    // Anything between braces is a placeholder, so that a typo ({study_uid}) is refused instead of becoming literal text.
    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Placeholder();

    public override string ToString() => _template;
}
