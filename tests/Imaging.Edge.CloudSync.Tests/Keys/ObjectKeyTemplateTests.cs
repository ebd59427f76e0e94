using Imaging.Edge.CloudSync.Keys;

namespace Imaging.Edge.CloudSync.Tests.Keys;

public sealed class ObjectKeyTemplateTests
{
    private static readonly ObjectKeyValues Values = new(
        Site: "hk-central", Gateway: "gw01", Study: "1.2.840.1", StudyKey: "S0001", Series: "1.2.840.1.2", Instance: "1.2.840.1.2.3", Version: 0);

    [Fact]
    public void Default_template_renders_site_study_series_instance_dcm()
    {
        var key = ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default).KeyFor(Values);

        Assert.Equal("hk-central/1.2.840.1/1.2.840.1.2/1.2.840.1.2.3.dcm", key);
    }

    [Theory]
    [InlineData(1, "hk-central/1.2.840.1/1.2.840.1.2/1.2.840.1.2.3.v1.dcm")]
    [InlineData(7, "hk-central/1.2.840.1/1.2.840.1.2/1.2.840.1.2.3.v7.dcm")]
    public void Version_above_zero_appends_dot_v_n_to_the_instance(int version, string expected)
    {
        var key = ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default).KeyFor(Values with { Version = version });

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
    /// FAILS (product bug): the placeholder regex is <c>\{([A-Za-z]+)\}</c>, so a typo with '_', '-' or a digit is not
    /// seen as a placeholder at all and stays in every key as literal text: all studies share one folder and one
    /// manifest key. Fix: match <c>\{([^{}]*)\}</c> (anything in braces) in Parse and refuse what is not known.
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
    public void Template_without_instance_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => ObjectKeyTemplate.Parse("{site}/{study}/{series}.dcm"));

        Assert.Contains("{instance}", error.Message);
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
        var template = ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default);

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
        var key = ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default).KeyFor(Values with { Series = "" });

        Assert.DoesNotContain("//", key);
    }

    [Fact]
    public void StudyPrefix_of_the_default_is_site_and_study()
    {
        var prefix = ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default).StudyPrefix(Values);

        Assert.Equal("hk-central/1.2.840.1/", prefix);
    }

    [Theory]
    [InlineData("{site}/{studyKey}/{instance}.dcm", "hk-central/S0001/")]
    [InlineData("{gateway}/{site}/{study}/{series}/{instance}", "gw01/hk-central/1.2.840.1/")]
    [InlineData("{site}/{study}/{series}-{instance}.dcm", "hk-central/1.2.840.1/")]
    [InlineData("archive/{study}/{instance}.dcm", "archive/1.2.840.1/")]
    [InlineData("{study}/{instance}", "1.2.840.1/")]
    public void StudyPrefix_of_other_templates_ends_before_the_series_or_instance_segment(string template, string expected)
    {
        var parsed = ObjectKeyTemplate.Parse(template);

        Assert.Equal(expected, parsed.StudyPrefix(Values));
        Assert.StartsWith(expected, parsed.KeyFor(Values));
    }

    /// <summary>
    /// FAILS (product bug): StudyPrefix cuts at {series} when the template has one, even when {instance} comes first,
    /// so the "study prefix" holds the instance UID and every instance gets its own manifest folder.
    /// Keys/ObjectKeyTemplate.cs, StudyPrefix: cut at the smaller of the two indexes that are ≥ 0.
    /// </summary>
    [Fact]
    public void StudyPrefix_cuts_at_the_first_of_series_and_instance()
    {
        var parsed = ObjectKeyTemplate.Parse("{site}/{study}/{instance}/{series}.dcm");

        Assert.Equal("hk-central/1.2.840.1/", parsed.StudyPrefix(Values));
    }

    [Fact]
    public void StudyPrefix_values_cannot_escape_their_segment_either()
    {
        var prefix = ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default).StudyPrefix(Values with { Site = "..", Study = "a/b" });

        Assert.Equal("_/a_b/", prefix);
    }

    [Fact]
    public void Template_instance_at_the_start_gives_an_empty_prefix()
    {
        Assert.Equal("", ObjectKeyTemplate.Parse("{instance}.dcm").StudyPrefix(Values));
    }

    [Fact]
    public void ToString_is_the_template()
    {
        Assert.Equal(ObjectKeyTemplate.Default, ObjectKeyTemplate.Parse(ObjectKeyTemplate.Default).ToString());
    }
}
