using Imaging.Edge.Gateway.Intake;

namespace Imaging.Edge.Gateway.Tests.Intake;

public sealed class DataLayoutTests
{
    [Theory]
    [InlineData("1.2.840.113619.2.55.3")]
    [InlineData("0.1")]
    public void Uid_is_its_own_file_name(string uid) => Assert.Equal(uid, DataLayout.SafeName(uid));

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("1.2/3")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("1.2.3 ")]
    public void Value_that_is_not_a_uid_becomes_a_hash_without_path_characters(string value)
    {
        var name = DataLayout.SafeName(value);

        Assert.Matches("^x[0-9a-f]{32}$", name);
    }

    [Fact]
    public void Second_version_of_an_instance_has_its_own_name()
    {
        Assert.Equal("1.2.3.dcm", DataLayout.InstanceFileName("1.2.3", 0));
        Assert.Equal("1.2.3.v1.dcm", DataLayout.InstanceFileName("1.2.3", 1));
    }
}
