using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Erasure;
using Imaging.Edge.Gateway.Intake;

namespace Imaging.Edge.Gateway.Tests.Erasure;

public sealed class OnBoxStoreTests
{
    private static readonly DataLayout Layout = new("/var/lib/imaging-edge");

    [Theory]
    [InlineData("", "/var/lib/imaging-edge/cloud")] // the packaged edge.json: no Upload section
    [InlineData("file:/var/lib/imaging-edge/archive", "/var/lib/imaging-edge/archive")]
    [InlineData("file:/var/lib/imaging-edge", "/var/lib/imaging-edge")]
    [InlineData("file:/mnt/nas/imaging", null)]
    [InlineData("file:/var/lib/imaging-edge-archive", null)] // a sibling whose name starts like the data folder
    [InlineData("s3", null)]
    public void A_file_store_inside_the_data_folder_is_on_the_box(string destination, string? expected) =>
        Assert.Equal(expected, OnBoxStore.ConfiguredFolder(new UploadOptions { Destination = destination }, Layout));
}
