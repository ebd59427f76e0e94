using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// The one mapping between the profile model and its JSON: property names in camelCase, enum values in kebab-case
/// (<c>rts-cts</c>, <c>astm-e1381</c>). The shape check, the binder and the schema test all go through here.
/// </summary>
internal static class ProfileJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    public static string NameOf(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    /// <summary>The JSON spellings of an enum's values.</summary>
    public static IReadOnlyList<string> ValuesOf(Type enumType) =>
        [.. Enum.GetNames(enumType).Select(JsonNamingPolicy.KebabCaseLower.ConvertName)];

    /// <summary>The model's properties of a profile type, by JSON name, and whether each is optional (nullable).</summary>
    public static IReadOnlyDictionary<string, (PropertyInfo Property, bool Optional)> PropertiesOf(Type type)
    {
        var nullability = new NullabilityInfoContext();
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .ToDictionary(NameOf, p => (p, nullability.Create(p).WriteState == NullabilityState.Nullable), StringComparer.Ordinal);
    }

    /// <summary>The element type of a list or the value type of a string-keyed dictionary; null otherwise.</summary>
    public static Type? ItemOf(Type type, Type genericDefinition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == genericDefinition ? type.GetGenericArguments()[^1] : null;

    /// <summary>True for the profile's own record types (walked property by property).</summary>
    public static bool IsModel(Type type) => type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("Imaging.Edge.Devices", StringComparison.Ordinal) == true;
}
