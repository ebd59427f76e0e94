using System.Text.Json.Nodes;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Tests.Data.Writing;

namespace Imaging.Edge.Devices.Tests.Output;

/// <summary>
/// Reads a data set of the device output back with the strict test reader and renders what a reviewer checks as
/// JSON: the patient and study (no UIDs: they are random) and the SR content tree, or the Raw Data's byte count.
/// </summary>
internal static class SrJson
{
    public static JsonObject Render(byte[] dataSet)
    {
        var elements = ExplicitVrTree.Read(dataSet);
        var json = new JsonObject
        {
            ["sopClass"] = Text(elements, 0x0008_0016),
            ["modality"] = Text(elements, 0x0008_0060),
            ["patientId"] = Text(elements, 0x0010_0020),
            ["patientComments"] = Text(elements, 0x0010_4000),
            ["studyDescription"] = Text(elements, 0x0008_1030),
            ["manufacturer"] = Text(elements, 0x0008_0070),
            ["model"] = Text(elements, 0x0008_1090),
        };
        if (Find(elements, 0x0040_A043) is { } title)
        {
            json["title"] = Code(title);
            json["content"] = Items(Find(elements, 0x0040_A730));
        }

        if (Text(elements, 0x0024_0113) is { } laterality)
        {
            json["laterality"] = laterality;
            foreach (var (name, tag) in EyeSequences)
                if (Find(elements, tag) is { } eye)
                    json[name] = Refraction(Assert.Single(eye.Items!));
        }

        if (Find(elements, 0x0009_1010) is { } raw)
        {
            json["rawCreator"] = Text(elements, 0x0009_0010);
            json["rawProfile"] = Text(elements, 0x0009_1011);
            json["rawLink"] = Text(elements, 0x0009_1012);
            json["rawEncoding"] = Text(elements, 0x0009_1013);
            json["rawByteCount"] = BitConverter.ToUInt32(Find(elements, 0x0009_1014)!.Value);
            json["rawPaddedLength"] = raw.Value.Length;
        }

        return json;
    }

    /// <summary>The per-eye sequences of Autorefraction (0046,0050/0052) and Lensometry (0046,0014/0015) Measurements.</summary>
    private static readonly (string Name, uint Tag)[] EyeSequences =
        [("rightEye", 0x0046_0050), ("leftEye", 0x0046_0052), ("rightLens", 0x0046_0014), ("leftLens", 0x0046_0015)];

    /// <summary>Sphere Power, the Cylinder Sequence's power and axis, and an Add Near / Intermediate Sequence's power.</summary>
    private static JsonObject Refraction(IReadOnlyList<ReadElement> item)
    {
        var json = new JsonObject { ["sphere"] = Double(Find(item, 0x0046_0146)) };
        if (Find(item, 0x0046_0018) is { } cylinder)
        {
            var c = Assert.Single(cylinder.Items!);
            json["cylinder"] = Double(Find(c, 0x0046_0147));
            json["axis"] = Double(Find(c, 0x0022_0009));
        }

        if (Find(item, 0x0046_0100) is { } near)
            json["addNear"] = Double(Find(Assert.Single(near.Items!), 0x0046_0104));
        if (Find(item, 0x0046_0101) is { } intermediate)
            json["addIntermediate"] = Double(Find(Assert.Single(intermediate.Items!), 0x0046_0104));
        return json;
    }

    /// <summary>An FD (8 bytes) or FL (4 bytes) value.</summary>
    private static double? Double(ReadElement? element) => element?.Value.Length switch
    {
        8 => BitConverter.ToDouble(element.Value),
        4 => BitConverter.ToSingle(element.Value),
        _ => null,
    };

    private static JsonArray Items(ReadElement? sequence)
    {
        var array = new JsonArray();
        foreach (var item in sequence?.Items ?? [])
        {
            var node = new JsonObject
            {
                ["relationship"] = Text(item, 0x0040_A010),
                ["type"] = Text(item, 0x0040_A040),
                ["concept"] = Code(Find(item, 0x0040_A043)!),
            };
            if (Find(item, 0x0040_A300) is { } measured)
            {
                node["value"] = Text(measured.Items![0], 0x0040_A30A);
                node["units"] = Code(Find(measured.Items[0], 0x0040_08EA)!);
            }

            if (Find(item, 0x0040_A160) is { } text) node["value"] = text.Text;
            if (Find(item, 0x0040_A124) is { } uid) node["value"] = uid.Text;
            if (Find(item, 0x0040_A168) is { } code) node["value"] = Code(code);
            if (Find(item, 0x0040_A032) is { } observed) node["observed"] = observed.Text;
            if (Find(item, 0x0040_A730) is { } children) node["children"] = Items(children);
            array.Add(node);
        }

        return array;
    }

    /// <summary>"value|scheme|meaning" of the single item of a code sequence.</summary>
    private static string Code(ReadElement sequence)
    {
        var item = Assert.Single(sequence.Items!);
        return $"{Text(item, 0x0008_0100) ?? Text(item, 0x0008_0119)}|{Text(item, 0x0008_0102)}|{Text(item, 0x0008_0104)}";
    }

    private static ReadElement? Find(IReadOnlyList<ReadElement> elements, uint tag) =>
        elements.FirstOrDefault(e => e.Tag == DicomTag.FromValue(tag));

    private static string? Text(IReadOnlyList<ReadElement> elements, uint tag) => Find(elements, tag)?.Text;
}
