using Imaging.Edge.CloudSync.Keys;

namespace Imaging.Edge.CloudSync.Tests.Keys;

public sealed class ObjectKeyTemplateTests
{
    private const string UidTemplate = "{site}/{study}/{series}/{instance}.dcm";
    private static readonly byte[] Sha = Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static readonly ObjectKeyValues Values = new(
        Site: "hk-central", Gateway: "gw01", Study: "1.2.840.1", StudyKey: "S0001", Series: "1.2.840.1.2", Instance: "1.2.840.1.2.3", Version: 0, Sha256: Sha);

    private static readonly ObjectKeyTemplate Default = ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default);

    [Fact]
    public void Default_template_renders_site_gateway_study_pseudonym_and_content_hash()
    {
        var key = Default.KeyFor(Values);

        Assert.Equal("hk-central/gw01/S0001/00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff.dcm", key);
    }

    /// <summary>Item 13: keys travel further than objects (listings, access logs, error texts); the default names no UID.</summary>
    [Fact]
    public void Default_key_and_manifest_key_carry_no_uid()
    {
        foreach (var text in new[] { Default.KeyFor(Values), Default.StudyPrefix(Values), Default.ManifestKey(Values, 1), Default.GatewayPrefix("hk-central", "gw01")! })
        {
            Assert.DoesNotContain(Values.Study, text);
            Assert.DoesNotContain(Values.Series, text);
            Assert.DoesNotContain(Values.Instance, text);
        }
    }

    /// <summary>Item 2: gateways of one site, one bucket: the same SOP Instance UID never gives two gateways one key.</summary>
    [Fact]
    public void Default_keys_of_two_gateways_differ_for_the_same_instance_and_for_its_manifest()
    {
        var other = Values with { Gateway = "gw02" };

        Assert.NotEqual(Default.KeyFor(Values), Default.KeyFor(other));
        Assert.NotEqual(Default.ManifestKey(Values, 1), Default.ManifestKey(other, 1));
    }

    [Fact]
    public void Default_keys_of_other_bytes_differ_and_of_the_same_bytes_agree()
    {
        var otherBytes = Values with { Sha256 = Convert.FromHexString("ff" + Convert.ToHexString(Sha)[2..]) };

        Assert.NotEqual(Default.KeyFor(Values), Default.KeyFor(otherBytes));
        Assert.Equal(Default.KeyFor(Values), Default.KeyFor(Values with { Version = 3, Instance = "9.9" }));
    }

    [Theory]
    [InlineData(1, "hk-central/1.2.840.1/1.2.840.1.2/1.2.840.1.2.3.v1.dcm")]
    [InlineData(7, "hk-central/1.2.840.1/1.2.840.1.2/1.2.840.1.2.3.v7.dcm")]
    public void Version_above_zero_appends_dot_v_n_to_the_instance(int version, string expected)
    {
        var key = ObjectKeyTemplate.Parse(UidTemplate).KeyFor(Values with { Version = version });

        Assert.Equal(expected, key);
    }

    [Fact]
    public void StudyKey_and_gateway_placeholders_are_rendered()
    {
        var key = ObjectKeyTemplate.Parse("{gateway}/{studyKey}/{instance}").KeyFor(Values);

        Assert.Equal("gw01/S0001/1.2.840.1.2.3", key);
    }

    [Fact]
    public void Unknown_placeholder_is_refused_naming_it()
    {
        var error = Assert.Throws<FormatException>(() => ObjectKeyTemplate.Parse("{site}/{patient}/{instance}.dcm"));

        Assert.Contains("{patient}", error.Message);
    }

    /// <summary>
    /// A typo with '_', '-' or a digit is refused, not kept as literal text (all studies would share one folder and
    /// one manifest key).
    /// </summary>
    [Theory]
    [InlineData("{site}/{study_uid}/{instance}.dcm")]
    [InlineData("{site}/{study-key}/{instance}.dcm")]
    [InlineData("{site}/{series2}/{instance}.dcm")]
    public void Placeholder_typo_with_underscore_dash_or_digit_is_refused(string template)
    {
        Assert.Throws<FormatException>(() => ObjectKeyTemplate.Parse(template));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_template_is_refused(string template)
    {
        var error = Assert.Throws<FormatException>(() => ObjectKeyTemplate.Parse(template));

        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Template_with_leading_slash_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => ObjectKeyTemplate.Parse("/{site}/{instance}.dcm"));

        Assert.Contains("'/'", error.Message);
    }

    [Fact]
    public void Template_without_instance_or_sha256_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => ObjectKeyTemplate.Parse("{site}/{study}/{series}.dcm"));

        Assert.Contains("{instance}", error.Message);
        Assert.Contains("{sha256}", error.Message);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../../etc")]
    [InlineData("x\ny")]
    [InlineData("x\0y")]
    [InlineData("x\u007fy")]
    public void A_value_cannot_escape_its_segment(string hostile)
    {
        var template = ObjectKeyTemplate.Parse(UidTemplate);

        foreach (var values in new[]
                 {
                     Values with { Site = hostile }, Values with { Study = hostile },
                     Values with { Series = hostile }, Values with { Instance = hostile },
                 })
        {
            var segments = template.KeyFor(values).Split('/');

            Assert.Equal(4, segments.Length);
            Assert.All(segments, s =>
            {
                Assert.NotEqual("..", s);
                Assert.NotEqual(".", s);
                Assert.NotEqual("", s);
                Assert.DoesNotContain('\\', s);
                Assert.DoesNotContain(s, char.IsControl);
            });
        }
    }

    [Fact]
    public void An_empty_value_does_not_produce_an_empty_segment()
    {
        var key = ObjectKeyTemplate.Parse(UidTemplate).KeyFor(Values with { Series = "" });

        Assert.DoesNotContain("//", key);
    }

    [Fact]
    public void StudyPrefix_of_the_default_is_site_gateway_and_study_pseudonym()
    {
        Assert.Equal("hk-central/gw01/S0001/", Default.StudyPrefix(Values));
    }

    [Theory]
    [InlineData("{site}/{studyKey}/{instance}.dcm", "hk-central/S0001/")]
    [InlineData("{gateway}/{site}/{study}/{series}/{instance}", "gw01/hk-central/1.2.840.1/")]
    [InlineData("{site}/{study}/{series}-{instance}.dcm", "hk-central/1.2.840.1/")]
    [InlineData("archive/{study}/{instance}.dcm", "archive/1.2.840.1/")]
    [InlineData("{study}/{instance}", "1.2.840.1/")]
    [InlineData("{site}/{study}/{sha256}", "hk-central/1.2.840.1/")]
    [InlineData("{site}/{study}/{sha256}/{instance}", "hk-central/1.2.840.1/")]
    public void StudyPrefix_of_other_templates_ends_before_the_series_or_instance_segment(string template, string expected)
    {
        var parsed = ObjectKeyTemplate.Parse(template);

        Assert.Equal(expected, parsed.StudyPrefix(Values));
        Assert.StartsWith(expected, parsed.KeyFor(Values));
    }

    /// <summary>Cut at whichever comes first, or the "study prefix" would hold the instance UID (a manifest folder per instance).</summary>
    [Fact]
    public void StudyPrefix_cuts_at_the_first_of_series_and_instance()
    {
        var parsed = ObjectKeyTemplate.Parse("{site}/{study}/{instance}/{series}.dcm");

        Assert.Equal("hk-central/1.2.840.1/", parsed.StudyPrefix(Values));
    }

    [Fact]
    public void StudyPrefix_values_cannot_escape_their_segment_either()
    {
        var prefix = ObjectKeyTemplate.Parse(UidTemplate).StudyPrefix(Values with { Site = "..", Study = "a/b" });

        Assert.Equal("_/a_b/", prefix);
    }

    [Fact]
    public void Template_instance_at_the_start_gives_an_empty_prefix()
    {
        Assert.Equal("", ObjectKeyTemplate.Parse("{instance}.dcm").StudyPrefix(Values));
    }

    [Theory]
    [InlineData(ObjectKeyTemplate.Default, "hk-central/gw01/S0001/manifest.v3.json")]
    [InlineData("{site}/{study}/{gateway}/{instance}.dcm", "hk-central/1.2.840.1/gw01/manifest.v3.json")]
    [InlineData("{site}/{study}/{gateway}-{instance}.dcm", "hk-central/1.2.840.1/manifest.gw01.v3.json")]
    [InlineData(UidTemplate, "hk-central/1.2.840.1/manifest.gw01.v3.json")]
    public void Manifest_key_names_the_gateway_where_the_study_prefix_does_not(string template, string expected)
    {
        Assert.Equal(expected, ObjectKeyTemplate.Parse(template).ManifestKey(Values, 3));
    }

    [Theory]
    [InlineData(ObjectKeyTemplate.Default, "hk-central/gw01/")]
    [InlineData("{gateway}/{site}/{study}/{instance}", "gw01/hk-central/")]
    [InlineData("archive/{site}/{gateway}-x/{instance}", "archive/hk-central/gw01-x/")]
    public void Gateway_prefix_holds_every_key_of_this_gateway_and_none_of_another(string template, string expected)
    {
        var parsed = ObjectKeyTemplate.Parse(template);
        var other = Values with { Gateway = "gw02" };

        var prefix = parsed.GatewayPrefix("hk-central", "gw01")!;

        Assert.Equal(expected, prefix);
        Assert.StartsWith(prefix, parsed.KeyFor(Values));
        Assert.StartsWith(prefix, parsed.ManifestKey(Values, 1));
        Assert.False(parsed.KeyFor(other).StartsWith(prefix, StringComparison.Ordinal));
        Assert.False(parsed.ManifestKey(other, 1).StartsWith(prefix, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(UidTemplate)]
    [InlineData("{site}/{study}/{gateway}/{instance}.dcm")]
    [InlineData("archive/{site}/{gateway}-{instance}")]
    public void Gateway_prefix_is_null_when_keys_of_several_gateways_share_their_prefix(string template)
    {
        Assert.Null(ObjectKeyTemplate.Parse(template).GatewayPrefix("hk-central", "gw01"));
    }

    [Theory]
    [InlineData("a/1.2.3.dcm", "a/1.2.3.sha256-0011223344556677.dcm")]
    [InlineData("a/1.2.3", "a/1.2.3.sha256-0011223344556677")]
    [InlineData("a.b/c", "a.b/c.sha256-0011223344556677")]
    [InlineData("a/manifest.v2.json", "a/manifest.v2.sha256-0011223344556677.json")]
    public void Content_suffix_goes_before_the_extension_of_the_last_segment(string key, string expected)
    {
        Assert.Equal(expected, ObjectKeyTemplate.WithContentSuffix(key, Sha));
    }

    [Fact]
    public void ToString_is_the_template()
    {
        Assert.Equal(ObjectKeyTemplate.Default, ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default).ToString());
    }
}
