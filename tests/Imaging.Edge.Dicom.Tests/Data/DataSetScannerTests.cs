using System.Diagnostics;
using System.Text;
using Imaging.Edge.Dicom.Data;

namespace Imaging.Edge.Dicom.Tests.Data;

public sealed class DataSetScannerTests
{
    private const string SopClass = "1.2.840.10008.5.1.4.1.1.4";
    private const string SopInstance = "1.2.826.0.1.3680043.10.1499.99.1.2.3";
    private const string Study = "1.2.826.0.1.3680043.10.1499.99.1";
    private const string Series = "1.2.826.0.1.3680043.10.1499.99.1.2";

    public static TheoryData<string, string> SyntaxesAndFeeds()
    {
        var data = new TheoryData<string, string>();
        foreach (string ts in new[] { "implicit-le", "explicit-le", "explicit-be", "deflated" })
        foreach (string feed in new[] { "whole", "bytewise", "random" })
            data.Add(ts, feed);
        return data;
    }

    internal static TransferSyntax Syntax(string name) => name switch
    {
        "implicit-le" => TransferSyntax.ImplicitVRLittleEndian,
        "explicit-le" => TransferSyntax.ExplicitVRLittleEndian,
        "explicit-be" => TransferSyntax.ExplicitVRBigEndian,
        "deflated" => TransferSyntax.DeflatedExplicitVRLittleEndian,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>
    /// A data set with everything the scanner must walk past before and between the wanted attributes:
    /// group length, private tags, undefined-length sequences with nested undefined-length items, a defined-length
    /// sequence, UN with undefined length (explicit syntaxes), and encapsulated or native pixel data at the end.
    /// </summary>
    internal static DataSetBuilder RichDataSet(TransferSyntax ts, int pixelBytes = 4096)
    {
        var b = DataSetBuilder.For(ts);
        b.Element(0x0008, 0x0000, "UL", [0, 0, 0, 0]) // a group length element (its value is not used)
            .Text(0x0008, 0x0005, "CS", "ISO_IR 100")
            .Text(0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY")
            .Uid(0x0008, 0x0016, SopClass)
            .Uid(0x0008, 0x0018, SopInstance)
            .Text(0x0008, 0x0020, "DA", "20240131")
            .Text(0x0008, 0x0030, "TM", "101500.123")
            .Text(0x0008, 0x0050, "SH", "ACC-7")
            .Text(0x0008, 0x0060, "CS", "MR");
        // Undefined-length sequence, items nested three deep, with a tag inside that looks wanted.
        b.BeginSequence(0x0008, 0x1115)
            .BeginItem()
                .Text(0x0008, 0x0060, "CS", "XX")
                .BeginSequence(0x0008, 0x114A)
                    .BeginItem()
                        .BeginSequence(0x0040, 0xA730)
                            .BeginItem().Uid(0x0008, 0x0018, "9.9.9").EndItem()
                            .ItemHeader(0)
                        .EndSequence()
                    .EndItem()
                .EndSequence()
            .EndItem()
            .BeginItem().EndItem()
        .EndSequence();
        // Private creator and private elements, one of them a private undefined-length sequence.
        b.Text(0x0009, 0x0010, "LO", "ACME 1.0")
            .Bytes(0x0009, 0x1001, "OB", [1, 2, 3, 4, 5, 6])
            .Header(0x0009, 0x1002, "SQ", 0xFFFF_FFFF).BeginItem().Text(0x0009, 0x1003, "LO", "hidden").EndItem().EndSequence();
        // Patient module in Latin-1.
        b.Text(0x0010, 0x0010, "PN", "Buc^Jérôme", Encoding.Latin1)
            .Text(0x0010, 0x0020, "LO", "PID-0042")
            .Text(0x0010, 0x0030, "DA", "19700101");
        // A defined-length sequence whose content contains a tag that must not be taken.
        b.DefinedLengthSequence(0x0010, 0x1002,
            item => item.Text(0x0010, 0x0020, "LO", "OTHER-ID"),
            item => item.Text(0x0010, 0x0022, "CS", "TEXT"));
        if (ts.IsExplicitVr)
        {
            b.UnknownUndefinedLength(0x0019, 0x1010, un => un
                .BeginItem().Text(0x0019, 0x1011, "LO", "in UN")
                    .BeginSequence(0x0019, 0x1012).BeginItem().EndItem().EndSequence()
                .EndItem()
                .ItemHeader(14).Text(0x0019, 0x1013, "LO", "ABCDEF")); // a defined-length item: 8-byte header + 6

        }

        b.Element(0x0020, 0x0000, "UL", [0, 0, 0, 0])
            .Uid(0x0020, 0x000D, Study)
            .Uid(0x0020, 0x000E, Series)
            .Text(0x0020, 0x0013, "IS", "1");
        byte[] pixels = new byte[pixelBytes];
        new Random(7).NextBytes(pixels);
        if (ts.IsExplicitVr) b.EncapsulatedPixelData(pixels[..(pixelBytes / 2)], pixels[(pixelBytes / 2)..]);
        else b.Element(0x7FE0, 0x0010, "OW", pixels);
        return b;
    }

    internal static void FeedIn(DataSetScanner scanner, byte[] data, string mode, int seed = 1)
    {
        switch (mode)
        {
            case "whole":
                scanner.Feed(data);
                break;
            case "bytewise":
                for (int i = 0; i < data.Length; i++) scanner.Feed(data.AsSpan(i, 1));
                break;
            case "random":
                var random = new Random(seed);
                for (int i = 0; i < data.Length;)
                {
                    int n = Math.Min(random.Next(0, 300), data.Length - i);
                    scanner.Feed(data.AsSpan(i, n));
                    i += n;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }

    private static void AssertRichAttributes(DataSetAttributes a)
    {
        Assert.Equal(SopClass, a.SopClassUid);
        Assert.Equal(SopInstance, a.SopInstanceUid);
        Assert.Equal(Study, a.StudyInstanceUid);
        Assert.Equal(Series, a.SeriesInstanceUid);
        Assert.Equal("PID-0042", a.PatientId);
        Assert.Equal("Buc^Jérôme", a.PatientName);
        Assert.Equal("19700101", a.PatientBirthDate);
        Assert.Equal("ACC-7", a.AccessionNumber);
        Assert.Equal("MR", a.Modality);
        Assert.Equal("20240131", a.StudyDate);
        Assert.Equal("101500.123", a.StudyTime);
        Assert.Equal("ISO_IR 100", a.SpecificCharacterSet);
    }

    [Theory]
    [MemberData(nameof(SyntaxesAndFeeds))]
    public void Extracts_top_level_attributes_in_every_encoding_and_chunking(string syntax, string feed)
    {
        TransferSyntax ts = Syntax(syntax);
        byte[] data = RichDataSet(ts).Encode(ts);
        var scanner = new DataSetScanner(ts);

        FeedIn(scanner, data, feed, seed: syntax.Length);

        Assert.True(scanner.IsComplete);
        AssertRichAttributes(scanner.Finish());
    }

    [Theory]
    [InlineData("implicit-le")]
    [InlineData("explicit-le")]
    [InlineData("explicit-be")]
    [InlineData("deflated")]
    public void Walks_a_gigabyte_of_native_pixel_data_by_its_length(string syntax)
    {
        TransferSyntax ts = Syntax(syntax);
        // A deflated data set is inflated as it comes: 16 MiB (far beyond any buffer) keeps that case quick.
        uint pixelBytes = ts.IsDeflated ? 16u * 1024 * 1024 : 0x4000_0000u;
        var scanner = new DataSetScanner(ts);
        var head = DataSetBuilder.For(ts).Uid(0x0008, 0x0018, SopInstance).Uid(0x0020, 0x000D, Study).Header(0x7FE0, 0x0010, "OW", pixelBytes);
        if (ts.IsDeflated)
        {
            scanner.Feed(head.Raw(new byte[pixelBytes]).Encode(ts));
        }
        else
        {
            scanner.Feed(head.Encode(ts));
            byte[] pixels = new byte[16 * 1024 * 1024];
            for (int i = 0; i < pixelBytes / pixels.Length; i++) scanner.Feed(pixels);
        }

        Assert.True(scanner.IsComplete);
        DataSetAttributes a = scanner.Finish();
        Assert.Equal(SopInstance, a.SopInstanceUid);
        Assert.Equal(Study, a.StudyInstanceUid);
        Assert.Null(a.PatientName);
    }

    [Theory]
    [InlineData("explicit-le")]
    [InlineData("explicit-be")]
    [InlineData("implicit-le")]
    public void Data_set_cut_short_inside_pixel_data_is_truncated(string syntax)
    {
        TransferSyntax ts = Syntax(syntax);
        byte[] data = DataSetBuilder.For(ts).Uid(0x0008, 0x0018, SopInstance).Header(0x7FE0, 0x0010, "OW", 1024).Encode(ts);
        var scanner = new DataSetScanner(ts);

        scanner.Feed(data);
        scanner.Feed(new byte[1000]);

        Assert.True(scanner.IsComplete); // the attributes are known...
        Assert.Throws<DicomFormatException>(() => scanner.Finish()); // ...but 24 bytes of pixel data never came
    }

    [Fact]
    public void Garbage_after_the_last_element_is_malformed()
    {
        TransferSyntax ts = TransferSyntax.ExplicitVRLittleEndian;
        byte[] data = DataSetBuilder.For(ts).Uid(0x0008, 0x0018, SopInstance).Header(0x7FE0, 0x0010, "OB", 4).ToArray();
        var scanner = new DataSetScanner(ts);
        scanner.Feed(data);
        scanner.Feed(new byte[4]);

        Assert.Throws<DicomFormatException>(() => scanner.Feed(Enumerable.Repeat((byte)0xFF, 64).ToArray()));
    }

    [Fact]
    public void Stops_at_the_first_top_level_tag_after_series_instance_uid()
    {
        TransferSyntax ts = TransferSyntax.ExplicitVRLittleEndian;
        byte[] data = DataSetBuilder.For(ts).Uid(0x0020, 0x000E, Series).Text(0x0020, 0x0010, "SH", "S1").ToArray();
        var scanner = new DataSetScanner(ts);

        scanner.Feed(data.AsSpan(0, data.Length - 10));
        Assert.False(scanner.IsComplete); // still inside the header of (0020,0010)
        scanner.Feed(data.AsSpan(data.Length - 10, 8));
        Assert.True(scanner.IsComplete);
        scanner.Feed(data.AsSpan(data.Length - 2));
        Assert.Equal(Series, scanner.Finish().SeriesInstanceUid);
    }

    [Theory]
    [InlineData("implicit-le")]
    [InlineData("explicit-le")]
    [InlineData("explicit-be")]
    [InlineData("deflated")]
    public void Extracts_issuer_of_patient_id_at_top_level_only(string syntax)
    {
        TransferSyntax ts = Syntax(syntax);
        byte[] data = DataSetBuilder.For(ts)
            .Uid(0x0008, 0x0018, SopInstance)
            .Text(0x0010, 0x0020, "LO", "PID-0042")
            .Text(0x0010, 0x0021, "LO", "HOSPITAL-A")
            // Other Patient IDs Sequence: an issuer inside it belongs to another identifier.
            .DefinedLengthSequence(0x0010, 0x1002, item => item.Text(0x0010, 0x0020, "LO", "OTHER-ID").Text(0x0010, 0x0021, "LO", "HOSPITAL-B"))
            .Uid(0x0020, 0x000D, Study)
            .Encode(ts);
        var scanner = new DataSetScanner(ts);
        scanner.Feed(data);

        DataSetAttributes a = scanner.Finish();
        Assert.Equal("PID-0042", a.PatientId);
        Assert.Equal("HOSPITAL-A", a.IssuerOfPatientId);
    }

    [Fact]
    public void Issuer_of_patient_id_is_null_when_absent()
    {
        TransferSyntax ts = TransferSyntax.ExplicitVRLittleEndian;
        byte[] data = DataSetBuilder.For(ts).Uid(0x0008, 0x0018, SopInstance).Text(0x0010, 0x0020, "LO", "PID-0042").ToArray();
        var scanner = new DataSetScanner(ts);
        scanner.Feed(data);

        Assert.Null(scanner.Finish().IssuerOfPatientId);
    }

    [Fact]
    public void A_data_set_that_ends_cleanly_before_the_stop_tag_is_complete_at_finish()
    {
        TransferSyntax ts = TransferSyntax.ImplicitVRLittleEndian;
        byte[] data = DataSetBuilder.For(ts).Uid(0x0008, 0x0018, SopInstance).Text(0x0010, 0x0010, "PN", "").ToArray();
        var scanner = new DataSetScanner(ts);
        scanner.Feed(data);

        Assert.False(scanner.IsComplete);
        DataSetAttributes a = scanner.Finish();
        Assert.Equal(SopInstance, a.SopInstanceUid);
        Assert.Equal("", a.PatientName);
        Assert.Null(a.PatientId);
    }

    [Theory]
    [InlineData("implicit-le")]
    [InlineData("explicit-le")]
    [InlineData("explicit-be")]
    [InlineData("deflated")]
    public void Truncated_data_set_throws_from_finish(string syntax)
    {
        TransferSyntax ts = Syntax(syntax);
        byte[] whole = RichDataSet(ts).ToArray();
        int cut = whole.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Study)) + 5; // inside the Study Instance UID value
        var truncated = DataSetBuilder.For(ts).Raw(whole.AsSpan(0, cut));
        var scanner = new DataSetScanner(ts);

        scanner.Feed(truncated.Encode(ts));

        Assert.False(scanner.IsComplete);
        Assert.Throws<DicomFormatException>(() => scanner.Finish());
    }

    [Fact]
    public void Data_set_ending_inside_an_open_undefined_length_sequence_throws_from_finish()
    {
        TransferSyntax ts = TransferSyntax.ExplicitVRLittleEndian;
        byte[] data = DataSetBuilder.For(ts).BeginSequence(0x0008, 0x1115).BeginItem().Text(0x0008, 0x0060, "CS", "CT").ToArray();
        var scanner = new DataSetScanner(ts);
        scanner.Feed(data);

        var e = Assert.Throws<DicomFormatException>(() => scanner.Finish());
        Assert.Contains("sequence", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_overrunning_the_data_set_throws_from_finish()
    {
        TransferSyntax ts = TransferSyntax.ExplicitVRLittleEndian;
        byte[] data = DataSetBuilder.For(ts)
            .Uid(0x0008, 0x0018, SopInstance)
            .Header(0x0008, 0x0070, "LO", 60000).Raw("ACME"u8)
            .ToArray();
        var scanner = new DataSetScanner(ts);
        scanner.Feed(data);

        Assert.Throws<DicomFormatException>(() => scanner.Finish());
    }

    [Fact]
    public void Length_overrunning_its_item_swallows_the_delimiters_and_is_reported()
    {
        TransferSyntax ts = TransferSyntax.ImplicitVRLittleEndian;
        byte[] data = DataSetBuilder.For(ts)
            .BeginSequence(0x0008, 0x1115).BeginItem()
                .Header(0x0008, 0x1150, "UI", 200).Raw("1.2.3\0"u8)
            .EndItem().EndSequence()
            .Uid(0x0020, 0x000D, Study)
            .ToArray();
        var scanner = new DataSetScanner(ts);
        scanner.Feed(data);

        Assert.Throws<DicomFormatException>(() => scanner.Finish());
    }

    [Theory]
    [InlineData("explicit-le")]
    [InlineData("implicit-le")]
    public void Absurd_sequence_nesting_throws(string syntax)
    {
        TransferSyntax ts = Syntax(syntax);
        var b = DataSetBuilder.For(ts);
        for (int i = 0; i < 100; i++) b.BeginSequence(0x0008, 0x1115).BeginItem();
        var scanner = new DataSetScanner(ts);

        var e = Assert.Throws<DicomFormatException>(() => scanner.Feed(b.ToArray()));
        Assert.Contains("64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_of_64_sequences_is_accepted()
    {
        TransferSyntax ts = TransferSyntax.ExplicitVRLittleEndian;
        var b = DataSetBuilder.For(ts);
        for (int i = 0; i < 64; i++) b.BeginSequence(0x0008, 0x1115).BeginItem();
        for (int i = 0; i < 64; i++) b.EndItem().EndSequence();
        b.Uid(0x0020, 0x000D, Study);
        var scanner = new DataSetScanner(ts);
        scanner.Feed(b.ToArray());

        Assert.Equal(Study, scanner.Finish().StudyInstanceUid);
    }

    [Fact]
    public void Nonsense_vr_in_explicit_syntax_throws()
    {
        byte[] data = [0x08, 0x00, 0x18, 0x00, (byte)'Z', (byte)'Z', 2, 0, (byte)'1', 0];
        var scanner = new DataSetScanner(TransferSyntax.ExplicitVRLittleEndian);

        Assert.Throws<DicomFormatException>(() => scanner.Feed(data));
    }

    [Fact]
    public void Implicit_vr_data_fed_as_explicit_throws()
    {
        byte[] data = DataSetBuilder.For(TransferSyntax.ImplicitVRLittleEndian).Uid(0x0008, 0x0018, SopInstance).ToArray();
        var scanner = new DataSetScanner(TransferSyntax.ExplicitVRLittleEndian);

        Assert.Throws<DicomFormatException>(() => scanner.Feed(data));
    }

    [Fact]
    public void Element_where_an_item_is_expected_throws()
    {
        byte[] data = DataSetBuilder.For(TransferSyntax.ExplicitVRLittleEndian)
            .BeginSequence(0x0008, 0x1115).Uid(0x0008, 0x0018, SopInstance).ToArray();
        var scanner = new DataSetScanner(TransferSyntax.ExplicitVRLittleEndian);

        Assert.Throws<DicomFormatException>(() => scanner.Feed(data));
    }

    [Fact]
    public void Wanted_value_longer_than_64_KiB_is_skipped_not_buffered()
    {
        TransferSyntax ts = TransferSyntax.ExplicitVRLittleEndian;
        byte[] huge = new byte[70_000];
        Array.Fill(huge, (byte)'A');
        byte[] data = DataSetBuilder.For(ts)
            .Element(0x0008, 0x0018, "UC", huge) // a wrong VR on purpose: only a 4-byte length can say 70 000
            .Uid(0x0020, 0x000D, Study)
            .ToArray();
        var scanner = new DataSetScanner(ts);
        scanner.Feed(data);

        DataSetAttributes a = scanner.Finish();
        Assert.Null(a.SopInstanceUid);
        Assert.Equal(Study, a.StudyInstanceUid);
    }

    [Fact]
    public void Deflated_data_set_is_not_inflated_past_its_attributes()
    {
        TransferSyntax ts = TransferSyntax.DeflatedExplicitVRLittleEndian;
        const uint PixelBytes = 64 * 1024 * 1024;
        byte[] data = DataSetBuilder.For(ts)
            .Uid(0x0008, 0x0018, SopInstance).Uid(0x0020, 0x000D, Study).Uid(0x0020, 0x000E, Series)
            .Header(0x7FE0, 0x0010, "OB", PixelBytes).Raw(new byte[PixelBytes])
            .Encode(ts);
        var scanner = new DataSetScanner(ts);

        foreach (byte[] chunk in data.Chunk(16 * 1024)) scanner.Feed(chunk);

        Assert.True(scanner.IsComplete);
        Assert.True(scanner.InflatedBytes < 1024 * 1024, $"{scanner.InflatedBytes} bytes inflated: the attributes end after ~200, the rest need not be inflated");
        DataSetAttributes a = scanner.Finish();
        Assert.Equal(SopInstance, a.SopInstanceUid);
        Assert.Equal(Series, a.SeriesInstanceUid);
    }

    [Theory]
    [InlineData("ratio")]
    [InlineData("size")]
    public void Deflate_bomb_before_the_attributes_is_refused(string kind)
    {
        // Zeros inflate ~1000:1; random bytes do not compress, but 20 MiB of them before (0020,000E) is no header.
        TransferSyntax ts = TransferSyntax.DeflatedExplicitVRLittleEndian;
        byte[] filler = new byte[kind == "ratio" ? 64 * 1024 * 1024 : 20 * 1024 * 1024];
        if (kind == "size") new Random(7).NextBytes(filler);
        byte[] data = DataSetBuilder.For(ts)
            .Uid(0x0008, 0x0018, SopInstance)
            .Bytes(0x0009, 0x1001, "OB", filler)
            .Uid(0x0020, 0x000D, Study).Uid(0x0020, 0x000E, Series)
            .Encode(ts);
        var scanner = new DataSetScanner(ts);

        var e = Assert.Throws<DicomFormatException>(() => { foreach (byte[] chunk in data.Chunk(16 * 1024)) scanner.Feed(chunk); });

        Assert.Contains("inflate", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(scanner.InflatedBytes <= DataSetScanner.MaxInflatedBytes + 64 * 1024, $"{scanner.InflatedBytes} bytes were inflated before giving up");
    }

    [Fact]
    public void Corrupt_deflate_stream_throws()
    {
        var scanner = new DataSetScanner(TransferSyntax.DeflatedExplicitVRLittleEndian);
        byte[] garbage = Enumerable.Repeat((byte)0xFF, 64).ToArray();

        Assert.Throws<DicomFormatException>(() => scanner.Feed(garbage));
    }

    [Fact]
    public void Big_endian_encapsulated_like_items_use_big_endian_tags()
    {
        TransferSyntax ts = TransferSyntax.ExplicitVRBigEndian;
        byte[] data = DataSetBuilder.For(ts)
            .BeginSequence(0x0008, 0x1115).BeginItem().Uid(0x0008, 0x1150, "1.2").EndItem().EndSequence()
            .Uid(0x0020, 0x000D, Study)
            .ToArray();
        Assert.Equal(new byte[] { 0xFF, 0xFE, 0xE0, 0x00 }, data[12..16]);
        var scanner = new DataSetScanner(ts);
        scanner.Feed(data);

        Assert.Equal(Study, scanner.Finish().StudyInstanceUid);
    }
}
