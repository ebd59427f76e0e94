using System.Text.Json;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// Checks a profile's JSON against the model's shape before anything is bound, and reports every difference with its
/// path: an unknown field (a typo is an error, never ignored; the nearest known name is suggested), a missing required
/// field, a value of the wrong type, an enum value not in the list. Hand-written against our own model rather than a
/// schema library: the model is the truth, and <c>hardware-profiles/schema.json</c> is held to it by a test.
/// </summary>
internal static class ProfileShape
{
    public static void Check(JsonElement element, Type type, string path, bool optional, List<ProfileError> errors)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (!optional)
                errors.Add(new ProfileError(path, "must not be null"));
            return;
        }
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
            Expect(element, JsonValueKind.String, "a string", path, errors);
        else if (type == typeof(int))
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out _))
                errors.Add(new ProfileError(path, $"must be a whole number, not {Describe(element)}"));
        }
        else if (type == typeof(double))
            Expect(element, JsonValueKind.Number, "a number", path, errors);
        else if (type == typeof(bool))
        {
            if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                errors.Add(new ProfileError(path, $"must be true or false, not {Describe(element)}"));
        }
        else if (type.IsEnum)
            CheckEnum(element, type, path, errors);
        else if (ProfileJson.ItemOf(type, typeof(IReadOnlyList<>)) is { } item)
        {
            if (Expect(element, JsonValueKind.Array, "an array", path, errors))
            {
                var i = 0;
                foreach (var entry in element.EnumerateArray())
                    Check(entry, item, $"{path}[{i++}]", optional: false, errors);
            }
        }
        else if (ProfileJson.ItemOf(type, typeof(IReadOnlyDictionary<,>)) is { } value)
        {
            if (Expect(element, JsonValueKind.Object, "an object", path, errors))
            {
                foreach (var entry in element.EnumerateObject())
                    Check(entry.Value, value, $"{path}['{entry.Name}']", optional: false, errors);
            }
        }
        else if (ProfileJson.IsModel(type))
            CheckObject(element, type, path, errors);
        else
            errors.Add(new ProfileError(path, $"has a type the profile model does not support ({type.Name})"));
    }

    private static void CheckObject(JsonElement element, Type type, string path, List<ProfileError> errors)
    {
        if (!Expect(element, JsonValueKind.Object, "an object", path, errors))
            return;
        var properties = ProfileJson.PropertiesOf(type);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in element.EnumerateObject())
        {
            var entryPath = $"{path}.{entry.Name}";
            if (!seen.Add(entry.Name))
            {
                errors.Add(new ProfileError(entryPath, "appears twice"));
                continue;
            }
            if (!properties.TryGetValue(entry.Name, out var property))
            {
                var nearest = Nearest(entry.Name, properties.Keys);
                errors.Add(new ProfileError(entryPath, nearest is null
                    ? $"unknown field (known: {string.Join(", ", properties.Keys)})"
                    : $"unknown field; did you mean '{nearest}'?"));
                continue;
            }
            Check(entry.Value, property.Property.PropertyType, entryPath, property.Optional, errors);
        }
        foreach (var (name, property) in properties)
        {
            if (!property.Optional && !seen.Contains(name))
                errors.Add(new ProfileError($"{path}.{name}", "is required"));
        }
    }

    private static void CheckEnum(JsonElement element, Type type, string path, List<ProfileError> errors)
    {
        var values = ProfileJson.ValuesOf(type);
        if (element.ValueKind != JsonValueKind.String || !values.Contains(element.GetString()))
            errors.Add(new ProfileError(path, $"must be one of {string.Join(", ", values.Select(v => $"\"{v}\""))}, not {Describe(element)}"));
    }

    private static bool Expect(JsonElement element, JsonValueKind kind, string what, string path, List<ProfileError> errors)
    {
        if (element.ValueKind == kind)
            return true;
        errors.Add(new ProfileError(path, $"must be {what}, not {Describe(element)}"));
        return false;
    }

    /// <summary>What was found, for the message: a short value is quoted (profiles hold no patient data).</summary>
    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(element.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>The known name within two edits of <paramref name="name"/> (case ignored), if any.</summary>
    private static string? Nearest(string name, IEnumerable<string> known) =>
        known.Select(k => (Name: k, Distance: Distance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(k => k.Distance <= 2)
            .OrderBy(k => k.Distance)
            .Select(k => k.Name)
            .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
