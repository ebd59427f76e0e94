using System.Text.Json.Nodes;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Tests.Profiles;

/// <summary>
/// <c>hardware-profiles/schema.json</c> (for editors and field engineers) says what the loader's model says: the same
/// fields, the same required ones, the same enum values, and no extra fields allowed, at every level.
/// </summary>
public sealed class SchemaTests
{
    [Fact]
    public void Schema_describes_the_model_exactly()
    {
        var schema = JsonNode.Parse(File.ReadAllText(ShippedProfiles.Schema))!.AsObject();
        var differences = new List<string>();

        Compare(schema, schema, typeof(HardwareProfile), "$", differences);

        Assert.Empty(differences);
    }

    private static void Compare(JsonObject root, JsonObject node, Type type, string path, List<string> differences)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (node["$ref"]?.GetValue<string>() is { } reference)
            node = root["$defs"]![reference.Split('/')[^1]]!.AsObject();
        if (type.IsEnum)
        {
            var values = node["enum"]?.AsArray().Select(v => v!.GetValue<string>()).ToList() ?? [];
            if (!values.SequenceEqual(ProfileJson.ValuesOf(type)))
                differences.Add($"{path}: enum {string.Join(",", values)} vs model {string.Join(",", ProfileJson.ValuesOf(type))}");
            return;
        }
        if (ProfileJson.ItemOf(type, typeof(IReadOnlyList<>)) is { } item)
        {
            Expect(node, "array", path, differences);
            Compare(root, node["items"]!.AsObject(), item, path + "[]", differences);
            return;
        }
        if (ProfileJson.ItemOf(type, typeof(IReadOnlyDictionary<,>)) is { } value)
        {
            Expect(node, "object", path, differences);
            Compare(root, node["additionalProperties"]!.AsObject(), value, path + "[*]", differences);
            return;
        }
        if (!ProfileJson.IsModel(type))
        {
            var expected = type == typeof(string) ? "string" : type == typeof(int) ? "integer" : type == typeof(double) ? "number" : "boolean";
            Expect(node, expected, path, differences);
            return;
        }
        Expect(node, "object", path, differences);
        if (node["additionalProperties"]?.GetValue<bool>() != false)
            differences.Add($"{path}: additionalProperties must be false (a typo is an error)");
        var model = ProfileJson.PropertiesOf(type);
        var properties = node["properties"]!.AsObject();
        var required = node["required"]?.AsArray().Select(r => r!.GetValue<string>()).Order().ToList() ?? [];
        var modelRequired = model.Where(p => !p.Value.Optional).Select(p => p.Key).Order().ToList();
        if (!required.SequenceEqual(modelRequired))
            differences.Add($"{path}: required {string.Join(",", required)} vs model {string.Join(",", modelRequired)}");
        foreach (var name in properties.Select(p => p.Key).Except(model.Keys))
            differences.Add($"{path}.{name}: in the schema, not in the model");
        foreach (var (name, property) in model)
        {
            if (properties[name] is JsonObject child)
                Compare(root, child, property.Property.PropertyType, $"{path}.{name}", differences);
            else
                differences.Add($"{path}.{name}: in the model, not in the schema");
        }
    }

    private static void Expect(JsonObject node, string type, string path, List<string> differences)
    {
        if (node["type"]?.GetValue<string>() != type)
            differences.Add($"{path}: type {node["type"]} vs model {type}");
    }
}
