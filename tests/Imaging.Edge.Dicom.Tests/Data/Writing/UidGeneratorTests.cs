using Imaging.Edge.Dicom.Data.Writing;

namespace Imaging.Edge.Dicom.Tests.Data.Writing;

public sealed class UidGeneratorTests
{
    [Fact]
    public void Uids_under_an_organisation_root_are_valid_and_distinct()
    {
        const string root = "1.2.826.0.1.3680043.10.1499";
        var generator = new UidGenerator(root);

        var uids = Enumerable.Range(0, 2000).Select(_ => generator.Next()).ToList();

        Assert.All(uids, uid =>
        {
            Assert.StartsWith(root + ".", uid, StringComparison.Ordinal);
            Assert.True(UidGenerator.IsValid(uid), uid);
            Assert.True(uid.Length <= 64);
        });
        Assert.Equal(uids.Count, uids.Distinct().Count());
    }

    [Fact]
    public void A_name_based_uid_is_the_same_for_the_same_name_and_a_valid_version_5_uuid()
    {
        string first = UidGenerator.NameBased("site/gw/serial/lab-1");

        Assert.Equal(first, UidGenerator.NameBased("site/gw/serial/lab-1"));
        Assert.NotEqual(first, UidGenerator.NameBased("site/gw/serial/lab-2"));
        Assert.True(UidGenerator.IsValid(first), first);
        Assert.StartsWith("2.25.", first, StringComparison.Ordinal);
        var uuid = System.Numerics.BigInteger.Parse(first["2.25.".Length..], System.Globalization.CultureInfo.InvariantCulture).ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[16];
        uuid.CopyTo(padded, 16 - uuid.Length);
        Assert.Equal(0x50, padded[6] & 0xF0); // version 5
        Assert.Equal(0x80, padded[8] & 0xC0); // RFC 4122 variant
    }

    [Fact]
    public void Without_a_root_uids_are_uuid_derived()
    {
        string uid = new UidGenerator(null).Next();

        Assert.StartsWith("2.25.", uid, StringComparison.Ordinal);
        Assert.True(UidGenerator.IsValid(uid), uid);
    }

    [Fact]
    public void The_longest_root_still_gives_uids_of_at_most_64_characters()
    {
        string root = "1." + new string('9', UidGenerator.MaxRootLength - 2);
        var generator = new UidGenerator(root);

        Assert.All(Enumerable.Range(0, 200), _ => Assert.True(generator.Next().Length <= 64));
    }

    [Theory]
    [InlineData("1.2.03")]
    [InlineData("1..2")]
    [InlineData("1.2.")]
    [InlineData("1.2.x")]
    [InlineData("1.2.3456789012345678901234567890123")]
    public void Refuses_an_invalid_or_too_long_root(string root)
    {
        Assert.Throws<ArgumentException>(() => new UidGenerator(root));
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("1.2.0.3", true)]
    [InlineData("1.2.00", false)]
    [InlineData("", false)]
    [InlineData(".1", false)]
    public void Validates_uids(string uid, bool valid) => Assert.Equal(valid, UidGenerator.IsValid(uid));
}
