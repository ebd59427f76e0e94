using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Data.Writing;

namespace Imaging.Edge.Dicom.Tests.Data.Writing;

public sealed class DataSetWriterTests
{
    private static readonly DicomTag Modality = new(0x0008, 0x0060);
    private static readonly DicomTag ContentSequence = new(0x0040, 0xA730);

    [Fact]
    public void Writes_a_short_form_header_and_pads_text_with_a_space()
    {
        byte[] bytes = new DataSetWriter().AddString(new DicomTag(0x0010, 0x0020), DicomVr.LO, "ABC").ToArray();

        Assert.Equal(new byte[] { 0x10, 0x00, 0x20, 0x00, (byte)'L', (byte)'O', 4, 0, (byte)'A', (byte)'B', (byte)'C', (byte)' ' }, bytes);
    }

    [Fact]
    public void Pads_a_uid_with_nul()
    {
        byte[] bytes = new DataSetWriter().AddUid(DicomTag.SopClassUid, "1.2.3").ToArray();

        Assert.Equal(new byte[] { 0x08, 0x00, 0x16, 0x00, (byte)'U', (byte)'I', 6, 0, (byte)'1', (byte)'.', (byte)'2', (byte)'.', (byte)'3', 0 }, bytes);
    }

    [Fact]
    public void Pads_odd_binary_values_with_zero_and_uses_the_long_form_for_ob()
    {
        byte[] bytes = new DataSetWriter().Add(new DicomTag(0x0009, 0x1010), DicomVr.OB, [0xAA, 0xBB, 0xCC]).ToArray();

        Assert.Equal(new byte[] { 0x09, 0x00, 0x10, 0x10, (byte)'O', (byte)'B', 0, 0, 4, 0, 0, 0, 0xAA, 0xBB, 0xCC, 0x00 }, bytes);
    }

    [Theory]
    [InlineData(DicomVr.OB, true)] [InlineData(DicomVr.OW, true)] [InlineData(DicomVr.OF, true)]
    [InlineData(DicomVr.UT, true)] [InlineData(DicomVr.UN, true)] [InlineData(DicomVr.UC, true)] [InlineData(DicomVr.UR, true)]
    [InlineData(DicomVr.OD, true)] [InlineData(DicomVr.OL, true)] [InlineData(DicomVr.OV, true)] [InlineData(DicomVr.SV, true)]
    [InlineData(DicomVr.UV, true)]
    [InlineData(DicomVr.LO, false)] [InlineData(DicomVr.US, false)] [InlineData(DicomVr.UI, false)] [InlineData(DicomVr.DS, false)]
    [InlineData(DicomVr.CS, false)] [InlineData(DicomVr.LT, false)] [InlineData(DicomVr.ST, false)] [InlineData(DicomVr.FD, false)]
    public void Uses_the_length_form_of_ps3_5_table_7_1_1(DicomVr vr, bool longForm)
    {
        byte[] bytes = new DataSetWriter().Add(new DicomTag(0x0009, 0x1000), vr, [1, 2]).ToArray();

        Assert.Equal(longForm ? 14 : 10, bytes.Length);
        Assert.Equal(vr.ToString(), System.Text.Encoding.ASCII.GetString(bytes, 4, 2));
    }

    [Fact]
    public void Writes_elements_in_ascending_tag_order_whatever_the_order_they_were_added_in()
    {
        var writer = new DataSetWriter()
            .AddUid(DicomTag.StudyInstanceUid, "1.2")
            .AddString(Modality, DicomVr.CS, "SR")
            .AddString(DicomTag.PatientId, DicomVr.LO, "X")
            .AddUid(DicomTag.SopClassUid, "1.3");

        var tags = ExplicitVrTree.Read(writer.ToArray()).Select(e => e.Tag).ToList();

        Assert.Equal([DicomTag.SopClassUid, Modality, DicomTag.PatientId, DicomTag.StudyInstanceUid], tags);
    }

    [Fact]
    public void Refuses_a_tag_added_twice()
    {
        var writer = new DataSetWriter().AddString(Modality, DicomVr.CS, "SR");

        Assert.Throws<ArgumentException>(() => writer.AddString(Modality, DicomVr.CS, "OT"));
    }

    [Fact]
    public void Nested_sequences_have_explicit_lengths_that_add_up()
    {
        var inner = new DataSetWriter().AddCodeSequence(new DicomTag(0x0040, 0xA043), new DicomCode("2744-1", "LN", "pH of Arterial blood"));
        var item = new DataSetWriter().AddCodeString(new DicomTag(0x0040, 0xA040), "NUM").AddSequence(ContentSequence, [inner]);
        var writer = new DataSetWriter().AddSequence(ContentSequence, [item, new DataSetWriter()]);
        byte[] bytes = writer.ToArray();

        Assert.Equal(bytes.Length, writer.Length);
        var top = Assert.Single(ExplicitVrTree.Read(bytes));
        Assert.Equal(2, top.Items!.Count);
        Assert.Empty(top.Items[1]);
        var nested = top.Items[0][1].Items![0][0].Items![0];
        Assert.Equal(["2744-1", "LN", "pH of Arterial blood"], nested.Select(e => e.Text));
        // outer SQ length = 2 item headers + the first item's content
        Assert.Equal((uint)(8 + item.Length + 8), BitConverter.ToUInt32(bytes, 8));
    }

    [Fact]
    public void An_empty_sequence_has_length_zero()
    {
        byte[] bytes = new DataSetWriter().AddSequence(new DicomTag(0x0008, 0x1111), []).ToArray();

        Assert.Equal(new byte[] { 0x08, 0x00, 0x11, 0x11, (byte)'S', (byte)'Q', 0, 0, 0, 0, 0, 0 }, bytes);
    }

    [Fact]
    public void A_long_code_value_goes_to_long_code_value()
    {
        var item = ExplicitVrTree.Read(DataSetWriter.CodeItem(new DicomCode("A-CODE-LONGER-THAN-16", "99EDGE", "x")).ToArray());

        Assert.Equal([CodeTags.CodingSchemeDesignator, CodeTags.CodeMeaning, CodeTags.LongCodeValue], item.Select(e => e.Tag));
    }

    [Fact]
    public void Typed_helpers_format_dates_times_numbers_and_us()
    {
        var elements = ExplicitVrTree.Read(new DataSetWriter()
            .AddDate(new DicomTag(0x0008, 0x0020), new DateOnly(2026, 12, 1))
            .AddDateTime(new DicomTag(0x0008, 0x002A), new DateTime(2026, 12, 1, 10, 25, 7))
            .AddTime(new DicomTag(0x0008, 0x0030), new TimeOnly(9, 5, 3))
            .AddInteger(new DicomTag(0x0020, 0x0013), 1)
            .AddDecimal(new DicomTag(0x0040, 0xA30A), -4.125m)
            .AddUnsignedShort(new DicomTag(0x0028, 0x0010), 0x0201)
            .ToArray());

        Assert.Equal(["DA", "DT", "TM", "IS", "US", "DS"], elements.Select(e => e.Vr)); // ascending tags
        Assert.Equal(["20261201", "20261201102507", "090503", "1"], elements.Take(4).Select(e => e.Text));
        Assert.Equal(new byte[] { 0x01, 0x02 }, elements[4].Value);
        Assert.Equal("-4.125", elements[5].Text);
    }

    [Fact]
    public void Floating_point_values_are_ieee_754_little_endian()
    {
        var elements = ExplicitVrTree.Read(new DataSetWriter()
            .AddFloat(new DicomTag(0x0022, 0x0009), 150f)
            .AddDouble(new DicomTag(0x0046, 0x0146), -1.25)
            .ToArray());

        Assert.Equal(("FL", 150f), (elements[0].Vr, BitConverter.ToSingle(elements[0].Value)));
        Assert.Equal(("FD", -1.25), (elements[1].Vr, BitConverter.ToDouble(elements[1].Value)));
    }

    [Theory]
    [InlineData(DicomVr.CS, "lower")]
    [InlineData(DicomVr.CS, "SEVENTEEN_CHARS__")]
    [InlineData(DicomVr.SH, "SEVENTEEN_CHARS__")]
    [InlineData(DicomVr.LO, "tab\there")]
    [InlineData(DicomVr.UI, "1.02.3")]
    [InlineData(DicomVr.UI, "1..3")]
    [InlineData(DicomVr.UI, "1.2.a")]
    [InlineData(DicomVr.DS, "1,5")]
    [InlineData(DicomVr.DS, "12345678901234567")]
    [InlineData(DicomVr.IS, "1.5")]
    [InlineData(DicomVr.DA, "2026-12-01")]
    [InlineData(DicomVr.CS, "Ä")]
    public void Refuses_values_invalid_for_their_vr(DicomVr vr, string value)
    {
        Assert.Throws<ArgumentException>(() => new DataSetWriter().AddString(new DicomTag(0x0009, 0x1000), vr, value));
    }

    [Fact]
    public void Refuses_a_short_form_value_over_65534_bytes()
    {
        Assert.Throws<ArgumentException>(() => new DataSetWriter().Add(new DicomTag(0x0009, 0x1000), DicomVr.LO, new byte[70000]));
        Assert.Equal(70000 + 12, new DataSetWriter().Add(new DicomTag(0x0009, 0x1000), DicomVr.OB, new byte[70000]).ToArray().Length);
    }

    [Fact]
    public void Text_beyond_ascii_is_utf8_and_padded_to_even_length()
    {
        var element = Assert.Single(ExplicitVrTree.Read(new DataSetWriter().AddString(DicomTag.PatientName, DicomVr.PN, "Müller").ToArray()));

        Assert.Equal(8, element.Value.Length); // 7 UTF-8 bytes + a space
        Assert.Equal("Müller", element.Text);
    }

    [Fact]
    public void Our_scanner_reads_the_top_level_attributes_of_a_written_data_set_with_sequences()
    {
        byte[] bytes = new DataSetWriter()
            .AddString(DicomTag.SpecificCharacterSet, DicomVr.CS, "ISO_IR 192")
            .AddUid(DicomTag.SopClassUid, "1.2.840.10008.5.1.4.1.1.88.33")
            .AddUid(DicomTag.SopInstanceUid, "2.25.1")
            .AddCodeSequence(new DicomTag(0x0008, 0x0110), new DicomCode("X", "99EDGE", "y"))
            .AddString(Modality, DicomVr.CS, "SR")
            .AddString(DicomTag.PatientId, DicomVr.LO, "PAT-1")
            .AddUid(DicomTag.StudyInstanceUid, "2.25.2")
            .AddUid(DicomTag.SeriesInstanceUid, "2.25.3")
            .AddSequence(ContentSequence, [new DataSetWriter().AddString(new DicomTag(0x0040, 0xA160), DicomVr.UT, "odd")])
            .ToArray();
        var scanner = new DataSetScanner(TransferSyntax.ExplicitVRLittleEndian);

        scanner.Feed(bytes);
        var attributes = scanner.Finish();

        Assert.Equal("2.25.1", attributes.SopInstanceUid);
        Assert.Equal("PAT-1", attributes.PatientId);
        Assert.Equal("SR", attributes.Modality);
        Assert.Equal("2.25.3", attributes.SeriesInstanceUid);
    }
}
