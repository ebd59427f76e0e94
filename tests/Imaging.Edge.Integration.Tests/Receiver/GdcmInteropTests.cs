using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>GDCM's gdcmscu against the receiver.</summary>
public sealed class GdcmInteropTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Gdcmscu_echo_succeeds()
    {
        await using var receiver = new ReceiverUnderTest();

        var result = await GdcmScu.EchoAsync(receiver);
        output.WriteLine($"gdcmscu --echo exit {result.ExitCode}");

        Assert.True(GdcmScu.EchoSucceeded(result), result.Output);
        Assert.True(GdcmScu.EndedNormallyOrWithKnownReleaseCrash(result), $"exit {result.ExitCode}: {result.Output}");
    }

    [Theory]
    [InlineData("CT_small.dcm")]           // Explicit VR Little Endian
    [InlineData("SC_rgb_jpeg_dcmtk.dcm")]  // JPEG Baseline (1.2.840.10008.1.2.4.50)
    [InlineData("SC_rgb_jpeg_gdcm.dcm")]   // JPEG Lossless SV1 (1.2.840.10008.1.2.4.70)
    public async Task Gdcmscu_store_is_received(string name)
    {
        await using var receiver = new ReceiverUnderTest();
        var source = PydicomCorpus.File(name);

        var result = await GdcmScu.StoreAsync(receiver, source);
        output.WriteLine($"gdcmscu --store exit {result.ExitCode}");

        Assert.True(GdcmScu.StoreSucceeded(result, source), result.Output);
        Assert.True(GdcmScu.EndedNormallyOrWithKnownReleaseCrash(result), $"exit {result.ExitCode}: {result.Output}");
        var received = Assert.Single(receiver.ReceivedFiles());
        // gdcmscu sends these files' data sets as they are in the file (checked against storescp +B): byte-identical.
        var (meta, dataSet) = CorpusFiles.Read(received);
        Assert.Equal(CorpusFiles.DataSet(source), dataSet);
        Assert.Equal(GdcmScu.CallingAe, meta.SourceApplicationEntityTitle);
        Assert.Empty(receiver.SpoolFiles());
    }
}
