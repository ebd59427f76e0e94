using System.Text.Json.Nodes;
using Imaging.Edge.Devices.Output;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Tests.Profiles;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Data.Writing;
using Imaging.Edge.Dicom.Tests.Data.Writing;

namespace Imaging.Edge.Devices.Tests.Output;

public sealed class DeviceOutputBuilderTests
{
    private static readonly HardwareProfile Profile =
        ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory, "astm-e1394.json")).Profile!;

    private static readonly DeviceSource Device = DeviceSource.Of("chem-1", "astm-e1394", Profile, "2.25.42");

    private static readonly byte[] Received = [0x05, 0x02, (byte)'1', (byte)'H', 0x03, 0x04, 0x80];

    private static DeviceResult Result(string? patient, string code, string value, string? specimen = "S-1", string? units = "mmol/L", string? flags = null, CodedConcept? concept = null) =>
        new(patient, specimen, code, concept, value, units, flags, "2026-12-01T10:25:00");

    private static DeviceMessage Message(params DeviceResult[] results) => new("Analyser", "P", true, results, null, []);

    private static IReadOnlyList<DeviceDicomObject> Build(DeviceMessage message) =>
        DeviceOutputBuilder.Build(message, Received, Profile, Device, new DateTime(2026, 12, 1, 12, 0, 0), new UidGenerator(null));

    [Fact]
    public void A_message_becomes_an_sr_and_a_raw_data_instance_in_one_study_with_the_intake_attributes()
    {
        var objects = Build(Message(Result("PAT-1", "GLU", "5.4")));

        Assert.Equal([OutputUids.ComprehensiveSr, OutputUids.RawData], objects.Select(o => o.SopClassUid));
        Assert.Single(objects.Select(o => o.StudyInstanceUid).Distinct());
        Assert.Equal(2, objects.Select(o => o.SeriesInstanceUid).Distinct().Count());
        Assert.All(objects, o =>
        {
            Assert.Equal("1.2.840.10008.1.2.1", o.TransferSyntaxUid);
            var scanner = new DataSetScanner(TransferSyntax.ExplicitVRLittleEndian);
            scanner.Feed(o.DataSet);
            var attributes = scanner.Finish(); // our own scanner agrees with the attributes handed to the intake
            Assert.Equal(o.SopInstanceUid, attributes.SopInstanceUid);
            Assert.Equal(o.StudyInstanceUid, attributes.StudyInstanceUid);
            Assert.Equal(o.SeriesInstanceUid, attributes.SeriesInstanceUid);
            Assert.Equal("PAT-1", attributes.PatientId);
            Assert.True(UidGenerator.IsValid(o.SopInstanceUid));
        });
    }

    [Fact]
    public void A_message_without_patient_identity_goes_to_an_unidentified_patient_in_a_study_named_by_device_and_date()
    {
        var objects = Build(Message(Result(null, "GLU", "5.4"), Result("  ", "K", "4.1")));

        Assert.Equal(2, objects.Count); // blank and absent are both "no identity": one study
        Assert.All(objects.Select(o => SrJson.Render(o.DataSet)), json =>
        {
            Assert.Equal("", (string?)json["patientId"]);
            Assert.Equal(StudyContext.UnidentifiedComment, (string?)json["patientComments"]);
            Assert.Equal("chem-1 2026-12-01 (unidentified)", (string?)json["studyDescription"]);
        });
    }

    [Fact]
    public void An_identified_patient_has_no_unidentified_comment()
    {
        var json = SrJson.Render(Build(Message(Result("PAT-1", "GLU", "5.4")))[0].DataSet);

        Assert.Null((string?)json["patientComments"]);
        Assert.Equal("chem-1 2026-12-01", (string?)json["studyDescription"]);
    }

    [Fact]
    public void Each_patient_of_a_message_gets_its_own_study_with_only_their_results()
    {
        var objects = Build(Message(Result("PAT-1", "GLU", "5.4"), Result("PAT-2", "GLU", "6.1"), Result("PAT-1", "K", "4.1")));

        Assert.Equal(4, objects.Count);
        Assert.Equal(2, objects.Select(o => o.StudyInstanceUid).Distinct().Count());
        var first = SrJson.Render(objects[0].DataSet);
        Assert.Equal("PAT-1", (string?)first["patientId"]);
        Assert.Equal(["5.4", "4.1"], Nums(first).Select(n => (string?)n["value"]));
        Assert.Equal("PAT-2", (string?)SrJson.Render(objects[2].DataSet)["patientId"]);
    }

    [Fact]
    public void A_dropped_message_gives_nothing_and_a_message_without_results_keeps_its_bytes()
    {
        Assert.Empty(Build(Message(Result("PAT-1", "GLU", "5.4")) with { Dropped = "processing ID Q" }));

        var raw = Assert.Single(Build(Message()));
        Assert.Equal(OutputUids.RawData, raw.SopClassUid);
        var element = ExplicitVrTree.Read(raw.DataSet).Single(e => e.Tag == new DicomTag(0x0009, 0x1010));
        Assert.Equal([.. Received, 0x00], element.Value); // 7 bytes, padded to 8
    }

    [Fact]
    public void A_mapped_code_is_the_concept_otherwise_the_device_code_in_99edge()
    {
        var json = SrJson.Render(Build(Message(
            Result("P", "pH", "7.41", units: null, concept: new CodedConcept("LN", "2744-1", "pH of Arterial blood")),
            Result("P", "GLU", "5.4")))[0].DataSet);

        var nums = Nums(json);
        Assert.Equal("2744-1|LN|pH of Arterial blood", (string?)nums[0]["concept"]);
        Assert.Equal("1|UCUM|no units", (string?)nums[0]["units"]);
        Assert.Equal("GLU|99EDGE|GLU", (string?)nums[1]["concept"]);
        Assert.Equal("mmol/L|UCUM|mmol/L", (string?)nums[1]["units"]);
    }

    [Fact]
    public void A_value_that_is_not_a_number_is_a_text_item_with_its_units()
    {
        var json = SrJson.Render(Build(Message(Result("P", "GLU", ">33.3"), Result("P", "HCG", "NEG", units: null)))[0].DataSet);

        var results = json["content"]!.AsArray().Where(n => (string?)n!["relationship"] == "CONTAINS").ToList();
        Assert.Equal(["TEXT", "TEXT"], results.Select(n => (string?)n!["type"]));
        Assert.Equal([">33.3 mmol/L", "NEG"], results.Select(n => (string?)n!["value"]));
    }

    [Fact]
    public void Flags_are_a_property_and_differing_specimens_go_to_each_result()
    {
        var json = SrJson.Render(Build(Message(Result("P", "GLU", "5.4", specimen: "S-1", flags: "H"), Result("P", "K", "4.1", specimen: "S-2")))[0].DataSet);

        Assert.DoesNotContain(json["content"]!.AsArray(), n => ((string?)n!["concept"])!.StartsWith("121041", StringComparison.Ordinal));
        var nums = Nums(json);
        Assert.Equal(["HAS PROPERTIES|H", "HAS OBS CONTEXT|S-1"], Children(nums[0]));
        Assert.Equal(["HAS OBS CONTEXT|S-2"], Children(nums[1]));
        Assert.Equal("20261201102500", (string?)nums[0]["observed"]);
    }

    [Fact]
    public void Device_text_that_breaks_a_vr_is_cleaned_and_non_ascii_declares_utf8()
    {
        string longId = new('7', 80);
        var sr = Build(Message(Result(longId, "GL\\U", "5.4", specimen: "Bl\u00e5\u0007d")))[0];

        var elements = ExplicitVrTree.Read(sr.DataSet);
        Assert.Equal("ISO_IR 192", elements.Single(e => e.Tag == DicomTag.SpecificCharacterSet).Text);
        Assert.Equal(new string('7', 64), elements.Single(e => e.Tag == DicomTag.PatientId).Text);
        var json = SrJson.Render(sr.DataSet);
        Assert.Equal("GL U|99EDGE|GL U", (string?)Nums(json)[0]["concept"]);
        Assert.Contains(json["content"]!.AsArray(), n => (string?)n!["value"] == "Bl\u00e5 d");
    }

    [Fact]
    public void An_ascii_only_data_set_has_no_specific_character_set()
    {
        var elements = ExplicitVrTree.Read(Build(Message(Result("PAT-1", "GLU", "5.4")))[0].DataSet);

        Assert.DoesNotContain(elements, e => e.Tag == DicomTag.SpecificCharacterSet);
    }

    private static List<JsonNode> Nums(JsonObject json) =>
        [.. json["content"]!.AsArray().Where(n => (string?)n!["type"] == "NUM").Select(n => n!)];

    private static List<string> Children(JsonNode num) =>
        [.. num["children"]!.AsArray().Select(c => $"{(string?)c!["relationship"]}|{(string?)c["value"]}")];
}
