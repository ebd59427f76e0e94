using System.Text;
using System.Text.RegularExpressions;

namespace Imaging.Edge.CloudSync.Keys;

/// <summary>The values an object key may be built from.</summary>
public sealed record ObjectKeyValues(string Site, string Gateway, string Study, string StudyKey, string Series, string Instance, int Version);

/// <summary>
/// Object keys from a template such as <c>{site}/{study}/{series}/{instance}.dcm</c> (the default). Placeholders:
/// {site}, {gateway}, {study} (Study Instance UID), {studyKey} (its pseudonym), {series}, {instance} (SOP Instance UID,
/// with <c>.vN</c> for a kept re-send with other bytes). Unknown placeholders are refused when the template is parsed.
/// </summary>
public sealed partial class ObjectKeyTemplate
{
    public const string Default = "{site}/{study}/{series}/{instance}.dcm";

    private static readonly HashSet<string> Known = ["site", "gateway", "study", "studyKey", "series", "instance"];
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
        if (!template.Contains("{instance}", StringComparison.Ordinal))
            throw new FormatException("the key template must contain {instance}, or objects would overwrite each other");
        return new ObjectKeyTemplate(template);
    }

    public string KeyFor(ObjectKeyValues values) => Render(_template, values);

    /// <summary>
    /// The key prefix under which a study's objects sit: the template up to its first per-series or per-instance
    /// placeholder, cut back to the last '/' (for the default, <c>{site}/{study}/</c>). Study manifests go there.
    /// </summary>
    public string StudyPrefix(ObjectKeyValues values)
    {
        var series = _template.IndexOf("{series}", StringComparison.Ordinal);
        var instance = _template.IndexOf("{instance}", StringComparison.Ordinal);
        var cut = series < 0 ? instance : Math.Min(series, instance);
        var prefix = _template[..(_template.LastIndexOf('/', Math.Max(0, cut - 1)) + 1)];
        return Render(prefix, values);
    }

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
