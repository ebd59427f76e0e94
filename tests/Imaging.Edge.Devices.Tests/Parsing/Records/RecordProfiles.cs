using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Tests.Parsing.Records;

/// <summary>
/// Profiles of record-format devices, as a field engineer would write them (docs/devices.md): a NIDEK RT-5100 style
/// refractor (fixed-width), a lensmeter sending one text line per lens (regex), and a monitor's vitals frame (binary).
/// <para>
/// Their link is written as <c>astm-e1381</c> only because the text and binary link protocols (stx-etx,
/// escaped-binary) merge from another branch; the loader rightly refuses that pairing, so <see cref="Load"/> expects
/// exactly that one error and binds the profile without it.
/// </para>
/// </summary>
internal static class RecordProfiles
{
    public const string Refractor = """
        {
          "identity": { "vendor": "NIDEK", "model": "RT-5100" },
          "port": { "baudRate": 2400, "dataBits": 7, "parity": "even", "stopBits": "two", "handshake": "none", "encoding": "ascii" },
          "link": { "protocol": "astm-e1381" },
          "parser": {
            "kind": "fixed-width",
            "separator": "\r",
            "records": [
              { "name": "header", "tag": "NIDEK", "fields": [ { "name": "device", "offset": 0, "length": 13, "use": "sender" } ] },
              { "name": "objective-right", "tag": "OR", "eye": "right", "fields": [
                { "name": "sphere", "offset": 2, "length": 6, "type": "signed-decimal", "testCode": "SPH", "units": "[diop]", "refraction": "sphere" },
                { "name": "cylinder", "offset": 8, "length": 6, "type": "signed-decimal", "testCode": "CYL", "units": "[diop]", "refraction": "cylinder" },
                { "name": "axis", "offset": 14, "length": 3, "type": "integer", "testCode": "AX", "units": "deg", "refraction": "axis" } ] },
              { "name": "objective-left", "tag": "OL", "eye": "left", "fields": [
                { "name": "sphere", "offset": 2, "length": 6, "type": "signed-decimal", "testCode": "SPH", "units": "[diop]", "refraction": "sphere" },
                { "name": "cylinder", "offset": 8, "length": 6, "type": "signed-decimal", "testCode": "CYL", "units": "[diop]", "refraction": "cylinder" },
                { "name": "axis", "offset": 14, "length": 3, "type": "integer", "testCode": "AX", "units": "deg", "refraction": "axis" } ] }
            ]
          },
          "mapping": {
            "testCodes": {
              "SPH": { "scheme": "SCT", "code": "251795007", "meaning": "Power of sphere" },
              "CYL": { "scheme": "SCT", "code": "251797004", "meaning": "Power of cylinder" },
              "AX": { "scheme": "SCT", "code": "251799001", "meaning": "Axis of cylinder" }
            }
          },
          "output": { "kind": "autorefraction" }
        }
        """;

    public const string Lensmeter = """
        {
          "identity": { "vendor": "Example", "model": "LM-1" },
          "port": { "baudRate": 9600, "dataBits": 8, "parity": "none", "stopBits": "one", "handshake": "none", "encoding": "ascii" },
          "link": { "protocol": "astm-e1381" },
          "parser": {
            "kind": "regex",
            "separator": "\r\n",
            "matchTimeoutMilliseconds": 100,
            "records": [
              { "name": "patient", "pattern": "^ID:(?<patient>\\S{1,64})$", "fields": [ { "name": "patient", "use": "patient-id" } ] },
              { "name": "lens", "pattern": "^(?<eye>[RL]) S(?<sphere>[+-]\\d{1,2}\\.\\d{2}) C(?<cylinder>[+-]\\d{1,2}\\.\\d{2}) A(?<axis>\\d{1,3})(?: ADD(?<add>[+-]\\d\\.\\d{2}))?$", "fields": [
                { "name": "eye", "use": "eye" },
                { "name": "sphere", "type": "decimal", "testCode": "SPH", "units": "[diop]", "refraction": "sphere" },
                { "name": "cylinder", "type": "decimal", "testCode": "CYL", "units": "[diop]", "refraction": "cylinder" },
                { "name": "axis", "type": "integer", "testCode": "AX", "units": "deg", "refraction": "axis" },
                { "name": "add", "type": "decimal", "testCode": "ADD", "units": "[diop]", "refraction": "add-near" } ] }
            ]
          },
          "mapping": { },
          "output": { "kind": "lensometry" }
        }
        """;

    public const string Monitor = """
        {
          "identity": { "vendor": "Example", "model": "VM-2" },
          "port": { "baudRate": 19200, "dataBits": 8, "parity": "none", "stopBits": "one", "handshake": "none", "encoding": "latin1" },
          "link": { "protocol": "astm-e1381" },
          "parser": {
            "kind": "binary",
            "records": [
              { "name": "vitals", "tag": "01", "fields": [
                { "name": "heartRate", "offset": 1, "width": 2, "byteOrder": "big-endian", "testCode": "HR", "units": "/min" },
                { "name": "spo2", "offset": 3, "width": 1, "testCode": "SPO2", "units": "%" },
                { "name": "temperature", "offset": 4, "width": 2, "byteOrder": "little-endian", "signed": true, "scale": 1, "testCode": "TEMP", "units": "Cel" } ] }
            ]
          },
          "mapping": {
            "testCodes": {
              "HR": { "scheme": "LN", "code": "8867-4", "meaning": "Heart rate" },
              "SPO2": { "scheme": "LN", "code": "59408-5", "meaning": "Oxygen saturation in Arterial blood by Pulse oximetry" },
              "TEMP": { "scheme": "LN", "code": "8310-5", "meaning": "Body temperature" }
            }
          },
          "output": { "kind": "sr" }
        }
        """;

    /// <summary>The errors of a profile besides the link pairing one (see the class comment).</summary>
    public static IReadOnlyList<string> ErrorsOf(string json) =>
        [.. ProfileLoader.Load("test", json).Errors.Select(e => e.ToString()).Where(e => !e.StartsWith("$.parser.kind: astm-e1381", StringComparison.Ordinal))];

    public static IReadOnlyList<string> ErrorsOf(JsonObject json) => ErrorsOf(json.ToJsonString());

    /// <summary>The profile, bound after the loader found no error but the link pairing one.</summary>
    public static HardwareProfile Load(string json)
    {
        Assert.Empty(ErrorsOf(json));
        return JsonSerializer.Deserialize<HardwareProfile>(json, ProfileJson.Options)!;
    }

    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();
}
