using Imaging.Edge.Dicom.Data;

namespace Imaging.Edge.Dicom.Tests.Data;

/// <summary>Byte strings from the examples of PS3.5 Annexes H (Japanese), I (Korean) and J (Chinese), and single-byte sets.</summary>
public sealed class DicomCharacterSetsTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void Decodes_Yamada_Tarou_in_ISO_2022_IR_87() // PS3.5 H.3.1
    {
        byte[] value = Hex("59 61 6D 61 64 61 5E 54 61 72 6F 75 3D 1B 24 42 3B 33 45 44 1B 28 42 5E 1B 24 42 42 40 4F 3A 1B 28 42 3D " +
                           "1B 24 42 24 64 24 5E 24 40 1B 28 42 5E 1B 24 42 24 3F 24 6D 24 26 1B 28 42");

        Assert.Equal("Yamada^Tarou=山田^太郎=やまだ^たろう", DicomCharacterSets.Decode(value, "\\ISO 2022 IR 87"));
    }

    [Fact]
    public void Decodes_half_width_katakana_and_kanji_with_ISO_2022_IR_13_and_IR_87() // PS3.5 H.3.2
    {
        byte[] value = Hex("D4 CF C0 DE 5E C0 DB B3 3D 1B 24 42 3B 33 45 44 1B 28 4A 5E 1B 24 42 42 40 4F 3A 1B 28 4A 3D " +
                           "1B 24 42 24 64 24 5E 24 40 1B 28 4A 5E 1B 24 42 24 3F 24 6D 24 26 1B 28 4A");

        Assert.Equal("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", DicomCharacterSets.Decode(value, "ISO 2022 IR 13\\ISO 2022 IR 87"));
    }

    [Fact]
    public void Decodes_JIS_X_0212_with_ISO_2022_IR_159()
    {
        byte[] value = Hex("1B 24 28 44 30 21 1B 28 42");

        Assert.Equal("丂", DicomCharacterSets.Decode(value, "\\ISO 2022 IR 87\\ISO 2022 IR 159"));
    }

    [Fact]
    public void Decodes_Hong_Gildong_in_ISO_2022_IR_149() // PS3.5 I.2
    {
        byte[] value = Hex("48 6F 6E 67 5E 47 69 6C 64 6F 6E 67 3D 1B 24 29 43 FB F3 5E 1B 24 29 43 D1 CE D4 D7 3D " +
                           "1B 24 29 43 C8 AB 5E 1B 24 29 43 B1 E6 B5 BF");

        Assert.Equal("Hong^Gildong=洪^吉洞=홍^길동", DicomCharacterSets.Decode(value, "\\ISO 2022 IR 149"));
    }

    [Fact]
    public void Decodes_Wang_XiaoDong_in_GB18030() // PS3.5 J.3
    {
        byte[] value = Hex("57 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D CD F5 5E D0 A1 B6 AB 3D");

        Assert.Equal("Wang^XiaoDong=王^小东=", DicomCharacterSets.Decode(value, "GB18030"));
    }

    [Fact]
    public void Decodes_Wang_XiaoDong_in_UTF_8() // PS3.5 J.1
    {
        byte[] value = Hex("57 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D E7 8E 8B 5E E5 B0 8F E6 9D B1 3D");

        Assert.Equal("Wang^XiaoDong=王^小東=", DicomCharacterSets.Decode(value, "ISO_IR 192"));
    }

    [Fact]
    public void Decodes_GBK_and_GB2312_with_escape()
    {
        Assert.Equal("王小东", DicomCharacterSets.Decode(Hex("CD F5 D0 A1 B6 AB"), "GBK"));
        Assert.Equal("Wang^XiaoDong=王^小东",
            DicomCharacterSets.Decode(Hex("57 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D 1B 24 29 41 CD F5 5E 1B 24 29 41 D0 A1 B6 AB"), "\\ISO 2022 IR 58"));
    }

    [Fact]
    public void Decodes_Buc_Jerome_in_ISO_IR_100() // PS3.5 Annex C example
    {
        Assert.Equal("Buc^Jérôme", DicomCharacterSets.Decode(Hex("42 75 63 5E 4A E9 72 F4 6D 65"), "ISO_IR 100"));
    }

    [Theory]
    [InlineData("ISO_IR 126", "C4 E9 EF ED F5 F3 E9 EF F2", "Διονυσιος")]
    [InlineData("ISO_IR 144", "BB EE DA 63 65 DC D1 79 70 D3", "Люкceмбypг")]
    [InlineData("ISO_IR 127", "E2 C8 C7 E6 EA 5E E4 E6 D2 C7 D1", "قباني^لنزار")]
    [InlineData("ISO_IR 138", "F9 F8 E5 EF 5E E3 E1 E5 F8 E4", "שרון^דבורה")]
    [InlineData("ISO_IR 166", "B7 B4 CA CD BA", "ทดสอบ")]
    [InlineData("ISO_IR 101", "A3 F3 64 BC", "Łódź")]
    [InlineData("ISO_IR 148", "D6 7A 74 FC 72 6B 5E DE FC 6B 72 FC", "Öztürk^Şükrü")]
    [InlineData("ISO_IR 109", "41 42", "AB")]
    [InlineData("ISO_IR 110", "41 42", "AB")]
    [InlineData("ISO_IR 13", "D4 CF C0 DE", "ﾔﾏﾀﾞ")]
    public void Decodes_single_byte_character_sets(string charset, string hex, string expected)
    {
        Assert.Equal(expected, DicomCharacterSets.Decode(Hex(hex), charset));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ISO_IR 6")]
    public void Default_repertoire_is_ascii(string? charset)
    {
        Assert.Equal("Smith^John", DicomCharacterSets.Decode("Smith^John"u8, charset));
    }

    [Fact]
    public void Latin1_escape_switches_g1_within_an_iso_2022_value()
    {
        byte[] value = Hex("1B 2D 41 4A E9 72 F4 6D 65");

        Assert.Equal("Jérôme", DicomCharacterSets.Decode(value, "ISO 2022 IR 6\\ISO 2022 IR 100"));
    }

    [Fact]
    public void Unknown_character_set_falls_back_to_latin1_without_throwing()
    {
        Assert.Equal("Jé", DicomCharacterSets.Decode(Hex("4A E9"), "ISO_IR 999"));
    }
}
