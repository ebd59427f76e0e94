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
    [InlineData("no-study")]
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

    [Fact]
    public void A_study_uid_from_the_wire_never_names_the_folder_of_instances_without_one()
    {
        var layout = new DataLayout("/data");

        var withoutStudy = layout.StudyDirectory(null);

        Assert.Equal(withoutStudy, layout.StudyDirectory("")); // both are stored as "no Study UID"
        Assert.NotEqual(withoutStudy, layout.StudyDirectory("no-study"));
        Assert.Equal("/data/studies/no-study", withoutStudy); // the folder earlier versions made is still the one
    }

    [Fact]
    public void Names_of_existing_folders_do_not_change()
    {
        // Queue rows keep their paths, but new instances of a study must still go to the folder its first ones are in.
        Assert.Equal("1.2.840.113619.2.55.3", DataLayout.SafeName("1.2.840.113619.2.55.3"));
        Assert.Equal("x" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("1.2/3"u8))[..32], DataLayout.SafeName("1.2/3"));
    }
}
