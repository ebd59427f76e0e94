using Imaging.Edge.Dicom.Data;

namespace Imaging.Edge.Dicom.Tests.Data;

public sealed class RegistryTests
{
    [Theory]
    [InlineData("1.2.840.10008.1.2", false, false, false, false)]
    [InlineData("1.2.840.10008.1.2.1", true, false, false, false)]
    [InlineData("1.2.840.10008.1.2.2", true, true, false, false)]
    [InlineData("1.2.840.10008.1.2.1.99", true, false, true, false)]
    [InlineData("1.2.840.10008.1.2.1.98", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.50", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.51", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.57", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.70", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.80", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.81", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.90", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.91", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.92", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.93", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.94", true, false, false, false)]
    [InlineData("1.2.840.10008.1.2.4.95", true, false, true, false)]
    [InlineData("1.2.840.10008.1.2.4.100", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.101", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.102", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.106", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.107", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.108", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.110", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.111", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.112", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.201", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.202", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.4.203", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.5", true, false, false, true)]
    [InlineData("1.2.840.10008.1.2.7.1", true, false, false, false)]
    [InlineData("1.2.840.10008.1.2.7.3", true, false, false, false)]
    [InlineData("1.2.840.10008.1.2.8.1", true, false, false, true)]
    public void Knows_the_standard_transfer_syntaxes(string uid, bool explicitVr, bool bigEndian, bool deflated, bool encapsulated)
    {
        Assert.True(TransferSyntax.TryGet(uid, out TransferSyntax? ts));
        Assert.Equal(uid, ts.Uid);
        Assert.Equal(explicitVr, ts.IsExplicitVr);
        Assert.Equal(bigEndian, ts.IsBigEndian);
        Assert.Equal(deflated, ts.IsDeflated);
        Assert.Equal(encapsulated, ts.IsEncapsulated);
        Assert.Contains(ts, TransferSyntax.All);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.1\0")]
    [InlineData("1.2.840.10008.1.2.1 ")]
    public void Transfer_syntax_lookup_ignores_padding(string uid)
    {
        Assert.True(TransferSyntax.TryGet(uid, out TransferSyntax? ts));
        Assert.Same(TransferSyntax.ExplicitVRLittleEndian, ts);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.6.1")] // RFC 2557 MIME, retired, never on the wire
    [InlineData("1.2.840.10008.1.20")] // Papyrus 3, retired
    [InlineData("1.2.3")]
    [InlineData("")]
    public void Rejects_unknown_transfer_syntaxes(string uid)
    {
        Assert.False(TransferSyntax.TryGet(uid, out _));
    }

    [Fact]
    public void Transfer_syntax_uids_are_unique()
    {
        Assert.Equal(TransferSyntax.All.Count, TransferSyntax.All.Select(t => t.Uid).Distinct().Count());
    }

    [Theory]
    [InlineData("1.2.840.10008.5.1.4.1.1.2")] // CT
    [InlineData("1.2.840.10008.5.1.4.1.1.4")] // MR
    [InlineData("1.2.840.10008.5.1.4.1.1.1")] // CR
    [InlineData("1.2.840.10008.5.1.4.1.1.7")] // SC
    [InlineData("1.2.840.10008.5.1.4.1.1.6.1")] // US
    [InlineData("1.2.840.10008.5.1.4.1.1.3")] // US multi-frame, retired
    [InlineData("1.2.840.10008.5.1.4.1.1.5")] // NM, retired
    [InlineData("1.2.840.10008.5.1.4.1.1.88.67")] // X-Ray Radiation Dose SR
    [InlineData("1.2.840.10008.5.1.4.1.1.104.1")] // Encapsulated PDF
    [InlineData("1.2.840.10008.5.1.4.1.1.481.5")] // RT Plan
    [InlineData("1.2.840.10008.5.1.4.1.1.77.1.6")] // WSI
    [InlineData("1.2.840.10008.5.1.4.1.1.9.1.4")] // General 32-bit ECG (2023)
    [InlineData("1.2.840.10008.5.1.4.1.1.66.7")] // Label Map Segmentation (2024)
    [InlineData("1.2.840.10008.5.1.4.1.1.481.23")] // Enhanced RT Image
    [InlineData("1.2.840.10008.5.1.1.29")] // Hardcopy Grayscale, retired
    public void Knows_storage_sop_classes(string uid)
    {
        Assert.True(StorageSopClasses.IsStorage(uid));
        Assert.Contains(uid, StorageSopClasses.All);
    }

    [Theory]
    [InlineData(WellKnownUids.Verification)]
    [InlineData("1.2.840.10008.1.20.1")] // Storage Commitment Push Model
    [InlineData("1.2.840.10008.5.1.4.1.2.2.1")] // Study Root Q/R FIND
    [InlineData("1.2.840.10008.1.3.10")] // Media Storage Directory (DICOMDIR) is not sent with C-STORE
    [InlineData("")]
    public void Rejects_non_storage_sop_classes(string uid)
    {
        Assert.False(StorageSopClasses.IsStorage(uid));
    }

    [Fact]
    public void Storage_sop_class_list_is_unique_and_large()
    {
        Assert.Equal(StorageSopClasses.All.Count, StorageSopClasses.All.Distinct().Count());
        Assert.True(StorageSopClasses.All.Count > 200);
    }

    [Fact]
    public void Tags_print_and_order_like_dcmdump()
    {
        Assert.Equal("(0008,0018)", DicomTag.SopInstanceUid.ToString());
        Assert.Equal("(7FE0,0010)", DicomTag.PixelData.ToString());
        Assert.Equal(0x0020000Du, DicomTag.StudyInstanceUid.Value);
        Assert.True(DicomTag.StudyInstanceUid < DicomTag.SeriesInstanceUid);
        Assert.True(DicomTag.PixelData.CompareTo(DicomTag.SeriesInstanceUid) > 0);
        Assert.Equal(new DicomTag(0x0010, 0x0010), DicomTag.PatientName);
    }
}
