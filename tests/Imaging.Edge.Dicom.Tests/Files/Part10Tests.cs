using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Dicom.Tests.Data;

namespace Imaging.Edge.Dicom.Tests.Files;

public sealed class Part10Tests
{
    private static readonly FileMetaInformation Meta = new(
        "1.2.840.10008.5.1.4.1.1.7",
        "1.2.826.0.1.3680043.10.1499.99.17", // odd length: padded with NUL
        TransferSyntax.ExplicitVRLittleEndian.Uid,
        ImplementationInfo.ClassUid,
        ImplementationInfo.VersionName,
        "CT_ROOM_1"); // odd length: padded with a space

    [Fact]
    public void Header_round_trips_through_the_reader()
    {
        byte[] header = Part10Writer.BuildHeader(Meta);

        Part10Header read = Part10Reader.ReadHeader(new MemoryStream(header));

        Assert.Equal(Meta, read.Meta);
        Assert.Equal(header.Length, read.DataSetOffset);
    }

    [Fact]
    public void Header_without_source_ae_title_round_trips()
    {
        FileMetaInformation meta = Meta with { SourceApplicationEntityTitle = null, TransferSyntaxUid = "1.2.840.10008.1.2" };

        Part10Header read = Part10Reader.ReadHeader(new MemoryStream(Part10Writer.BuildHeader(meta)));

        Assert.Equal(meta, read.Meta);
    }

    [Fact]
    public void Header_has_preamble_prefix_and_a_correct_group_length()
    {
        byte[] header = Part10Writer.BuildHeader(Meta);

        Assert.All(header[..128], b => Assert.Equal(0, b));
        Assert.Equal("DICM"u8.ToArray(), header[128..132]);
        Assert.Equal(new byte[] { 0x02, 0x00, 0x00, 0x00, (byte)'U', (byte)'L', 4, 0 }, header[132..140]);
        Assert.Equal((uint)(header.Length - 144), BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(140)));
        // (0002,0001) OB 00\01
        Assert.Equal(new byte[] { 0x02, 0x00, 0x01, 0x00, (byte)'O', (byte)'B', 0, 0, 2, 0, 0, 0, 0x00, 0x01 }, header[144..158]);
        Assert.Equal(0, header.Length % 2);
        string text = Encoding.Latin1.GetString(header);
        Assert.Contains("1.2.826.0.1.3680043.10.1499.99.17\0", text, StringComparison.Ordinal);
        Assert.Contains("CT_ROOM_1 ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_stops_exactly_at_the_data_set_on_a_non_seekable_stream()
    {
        byte[] header = Part10Writer.BuildHeader(Meta);
        byte[] file = [.. header, 0x08, 0x00, 0x18, 0x00];
        var stream = new NonSeekableStream(file);

        Part10Header read = Part10Reader.ReadHeader(stream);

        Assert.Equal(header.Length, read.DataSetOffset);
        Assert.Equal(header.Length, stream.Consumed);
    }

    [Fact]
    public void Reader_without_group_length_finds_the_data_set_on_a_seekable_stream()
    {
        byte[] header = Part10Writer.BuildHeader(Meta);
        byte[] withoutGroupLength = [.. header[..132], .. header[144..]];
        byte[] dataSet = DataSetBuilder.For(TransferSyntax.ExplicitVRLittleEndian).Uid(0x0008, 0x0018, "1.2.3").ToArray();
        var stream = new MemoryStream([.. withoutGroupLength, .. dataSet]);

        Part10Header read = Part10Reader.ReadHeader(stream);

        Assert.Equal(withoutGroupLength.Length, read.DataSetOffset);
        Assert.Equal(withoutGroupLength.Length, stream.Position);
        Assert.Equal(Meta, read.Meta);
    }

    [Fact]
    public void Reader_rejects_a_file_without_DICM()
    {
        byte[] bytes = new byte[400];
        Assert.Throws<DicomFormatException>(() => Part10Reader.ReadHeader(new MemoryStream(bytes)));
        Assert.Throws<DicomFormatException>(() => Part10Reader.ReadHeader(new MemoryStream(new byte[10])));
    }

    [Fact]
    public void Reader_rejects_a_meta_group_without_transfer_syntax()
    {
        byte[] header = Part10Writer.BuildHeader(Meta with { TransferSyntaxUid = "1.2" });
        // Rename (0002,0010) to (0002,0011) so the transfer syntax is missing; the group length stays right.
        int at = Encoding.Latin1.GetString(header).IndexOf("\u0002\0\u0010\0UI", StringComparison.Ordinal);
        header[at + 2] = 0x11;

        Assert.Throws<DicomFormatException>(() => Part10Reader.ReadHeader(new MemoryStream(header)));
    }

    [Fact]
    public void Reader_rejects_a_truncated_meta_group()
    {
        byte[] header = Part10Writer.BuildHeader(Meta);

        Assert.Throws<DicomFormatException>(() => Part10Reader.ReadHeader(new MemoryStream(header[..200])));
    }

    [Fact]
    public void Writer_rejects_values_too_long_for_their_vr()
    {
        Assert.Throws<ArgumentException>(() => Part10Writer.BuildHeader(Meta with { SourceApplicationEntityTitle = "A_VERY_LONG_AE_TITLE" }));
        Assert.Throws<ArgumentException>(() => Part10Writer.BuildHeader(Meta with { MediaStorageSopInstanceUid = "1." + new string('2', 70) }));
        Assert.Throws<ArgumentException>(() => Part10Writer.BuildHeader(Meta with { MediaStorageSopClassUid = "" }));
    }

    [Fact]
    public void Implementation_version_name_fits_in_SH()
    {
        Assert.True(ImplementationInfo.VersionName.Length <= 16);
        Assert.True(ImplementationInfo.ClassUid.Length <= 64);
    }

    [Fact]
    public void Dcmdump_accepts_a_written_header_followed_by_a_data_set()
    {
        byte[] dataSet = DataSetBuilder.For(TransferSyntax.ExplicitVRLittleEndian)
            .Text(0x0008, 0x0005, "CS", "ISO_IR 100")
            .Uid(0x0008, 0x0016, Meta.MediaStorageSopClassUid)
            .Uid(0x0008, 0x0018, Meta.MediaStorageSopInstanceUid)
            .Text(0x0008, 0x0060, "CS", "OT")
            .Text(0x0010, 0x0010, "PN", "Buc^Jérôme", Encoding.Latin1)
            .Text(0x0010, 0x0020, "LO", "PID-1")
            .Uid(0x0020, 0x000D, "1.2.826.0.1.3680043.10.1499.99")
            .Uid(0x0020, 0x000E, "1.2.826.0.1.3680043.10.1499.99.1")
            .ToArray();
        (int exitCode, string output, string errors) = RunDcmdump([.. Part10Writer.BuildHeader(Meta), .. dataSet]);

        Assert.True(exitCode == 0, $"dcmdump exit {exitCode}: {errors}");
        Assert.DoesNotContain("E:", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("W:", errors, StringComparison.Ordinal);
        Assert.Contains("(0002,0010) UI =LittleEndianExplicit", output, StringComparison.Ordinal);
        Assert.Contains($"(0002,0012) UI [{ImplementationInfo.ClassUid}]", output, StringComparison.Ordinal);
        Assert.Contains($"(0002,0013) SH [{ImplementationInfo.VersionName}]", output, StringComparison.Ordinal);
        Assert.Contains("(0002,0016) AE [CT_ROOM_1]", output, StringComparison.Ordinal);
        Assert.Contains($"(0008,0018) UI [{Meta.MediaStorageSopInstanceUid}]", output, StringComparison.Ordinal);
        Assert.Contains("(0010,0010) PN [Buc^J", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("implicit-le")]
    [InlineData("explicit-le")]
    [InlineData("explicit-be")]
    [InlineData("deflated")]
    public void Dcmdump_reads_the_hand_built_test_data_sets_as_valid(string syntax)
    {
        // Guards the scanner tests against a test builder that only agrees with the scanner.
        TransferSyntax ts = DataSetScannerTests.Syntax(syntax);
        byte[] dataSet = DataSetScannerTests.RichDataSet(ts).Encode(ts);
        FileMetaInformation meta = Meta with { TransferSyntaxUid = ts.Uid, MediaStorageSopClassUid = "1.2.840.10008.5.1.4.1.1.4" };
        (int exitCode, string output, string errors) = RunDcmdump([.. Part10Writer.BuildHeader(meta), .. dataSet]);

        Assert.True(exitCode == 0, $"dcmdump exit {exitCode}: {errors}");
        Assert.DoesNotContain("E:", errors, StringComparison.Ordinal);
        Assert.Contains("(0020,000d) UI [1.2.826.0.1.3680043.10.1499.99.1]", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("(fffe,e0dd) na (SequenceDelimitationItem)", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("(0020,0013) IS [1]", output, StringComparison.OrdinalIgnoreCase);
    }

    private static (int ExitCode, string Output, string Errors) RunDcmdump(byte[] file)
    {
        const string dcmdump = "/usr/bin/dcmdump";
        Assert.True(File.Exists(dcmdump), "dcmdump (dcmtk) must be installed for this test");
        string path = Path.Combine(Path.GetTempPath(), $"imaging-edge-part10-{Guid.NewGuid():N}.dcm");
        try
        {
            File.WriteAllBytes(path, file);
            var start = new ProcessStartInfo(dcmdump) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-E");
            start.ArgumentList.Add(path);
            using Process process = Process.Start(start)!;
            Task<string> errors = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, errors.Result);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        public int Consumed { get; private set; }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, data.Length - Consumed);
            data.AsSpan(Consumed, n).CopyTo(buffer);
            Consumed += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
