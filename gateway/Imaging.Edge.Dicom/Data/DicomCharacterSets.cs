using System.Text;

namespace Imaging.Edge.Dicom.Data;

/// <summary>
/// Decodes the bytes of a character string value (PN, LO, SH, ST, LT, UT, UC) per Specific Character Set
/// (0008,0005) (PS3.5 §6.1, PS3.3 C.12.1.1.2, PS3.5 Annexes H, I, J).
/// <para>
/// Value 1 of (0008,0005) sets the initial repertoire. With code extensions (the "ISO 2022 ..." terms) the
/// text is decoded as ISO/IEC 2022: G0 (bytes 0x00–0x7F) and G1 (0x80–0xFF) are designated by escape sequences
/// anywhere in the value; every escape of PS3.3 Tables C.12-3 and C.12-4 is honoured whatever values 2..n list,
/// and the repertoire goes back to the initial one at the start of each value (after '\'), after CR/LF/FF/TAB,
/// and at PN component group delimiters ('^' and '=' are delimiters only while G0 is a single-byte set).
/// ISO_IR 192 (UTF-8), GB18030 and GBK allow no code extensions and are decoded whole.
/// Unknown defined terms fall back to ISO_IR 100 (Latin-1), which never fails.
/// </para>
/// Does not throw for any byte content; undecodable bytes become U+FFFD.
/// </summary>
public static class DicomCharacterSets
{
    static DicomCharacterSets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private enum G0 { Ascii, JisRomaji, JisX0208, JisX0212 }

    private enum G1
    {
        None, Latin1, Latin2, Latin3, Latin4, Cyrillic, Arabic, Greek, Hebrew, Latin5, Thai, JisKatakana,
        KsX1001, Gb2312,
    }

    private static Encoding Latin1 => Encoding.Latin1;

    /// <summary>Decodes one value (possibly multi-valued with '\') of a string VR. Does not trim padding.</summary>
    public static string Decode(ReadOnlySpan<byte> value, string? specificCharacterSet)
    {
        string first = FirstTerm(specificCharacterSet);
        switch (first)
        {
            case "ISO_IR 192": return new UTF8Encoding(false, false).GetString(value);
            case "GB18030": return Encoding.GetEncoding(54936).GetString(value);
            case "GBK": return Encoding.GetEncoding(936).GetString(value);
        }

        (G0 g0, G1 g1) = first switch
        {
            "" or "ISO_IR 6" or "ISO 2022 IR 6" => (G0.Ascii, G1.None),
            "ISO_IR 100" or "ISO 2022 IR 100" => (G0.Ascii, G1.Latin1),
            "ISO_IR 101" or "ISO 2022 IR 101" => (G0.Ascii, G1.Latin2),
            "ISO_IR 109" or "ISO 2022 IR 109" => (G0.Ascii, G1.Latin3),
            "ISO_IR 110" or "ISO 2022 IR 110" => (G0.Ascii, G1.Latin4),
            "ISO_IR 144" or "ISO 2022 IR 144" => (G0.Ascii, G1.Cyrillic),
            "ISO_IR 127" or "ISO 2022 IR 127" => (G0.Ascii, G1.Arabic),
            "ISO_IR 126" or "ISO 2022 IR 126" => (G0.Ascii, G1.Greek),
            "ISO_IR 138" or "ISO 2022 IR 138" => (G0.Ascii, G1.Hebrew),
            "ISO_IR 148" or "ISO 2022 IR 148" => (G0.Ascii, G1.Latin5),
            "ISO_IR 166" or "ISO 2022 IR 166" => (G0.Ascii, G1.Thai),
            "ISO_IR 13" or "ISO 2022 IR 13" => (G0.JisRomaji, G1.JisKatakana),
            // Multi-byte sets as value 1: the text should still carry the escapes; accept it without them too.
            "ISO 2022 IR 87" => (G0.Ascii, G1.None),
            "ISO 2022 IR 159" => (G0.Ascii, G1.None),
            "ISO 2022 IR 149" => (G0.Ascii, G1.KsX1001),
            "ISO 2022 IR 58" or "ISO 2022 GBK" or "ISO 2022 58" => (G0.Ascii, G1.Gb2312),
            _ => (G0.Ascii, G1.Latin1),
        };
        return new Iso2022Decoder(g0, g1).Decode(value);
    }

    private static string FirstTerm(string? specificCharacterSet)
    {
        if (string.IsNullOrEmpty(specificCharacterSet)) return "";
        int backslash = specificCharacterSet.IndexOf('\\', StringComparison.Ordinal);
        string first = backslash < 0 ? specificCharacterSet : specificCharacterSet[..backslash];
        first = first.Trim(' ', '\0');
        // A single-valued multi-byte term: "ISO 2022 IR 87" alone means value 1 is that term (non-conformant but seen).
        return first.ToUpperInvariant() switch
        {
            "ISO-IR 192" or "UTF-8" or "UTF8" => "ISO_IR 192",
            var t => t,
        };
    }

    private sealed class Iso2022Decoder(G0 initialG0, G1 initialG1)
    {
        private const byte Esc = 0x1B;
        private readonly StringBuilder _text = new();
        private readonly G0 _initialG0 = initialG0;
        private readonly G1 _initialG1 = initialG1;
        private G0 _g0 = initialG0;
        private G1 _g1 = initialG1;

        public string Decode(ReadOnlySpan<byte> value)
        {
            int i = 0;
            while (i < value.Length)
            {
                byte b = value[i];
                if (b == Esc)
                {
                    i += Designate(value[i..]);
                    continue;
                }

                if (b < 0x80)
                {
                    int run = G0Run(value[i..]);
                    if (run == 0)
                    {
                        // A delimiter or control character in a single-byte G0: reset and copy it.
                        _text.Append((char)b);
                        if (b is (byte)'\\' or 0x0D or 0x0A or 0x0C or 0x09 or (byte)'^' or (byte)'=')
                        {
                            _g0 = _initialG0;
                            _g1 = _initialG1;
                        }

                        i++;
                        continue;
                    }

                    AppendG0(value.Slice(i, run));
                    i += run;
                }
                else
                {
                    int run = 0;
                    while (i + run < value.Length && value[i + run] >= 0x80) run++;
                    AppendG1(value.Slice(i, run));
                    i += run;
                }
            }

            return _text.ToString();
        }

        /// <summary>Bytes below 0x80 up to the next escape, high byte or (for single-byte G0) delimiter.</summary>
        private int G0Run(ReadOnlySpan<byte> rest)
        {
            bool multiByte = _g0 is G0.JisX0208 or G0.JisX0212;
            int n = 0;
            while (n < rest.Length)
            {
                byte b = rest[n];
                if (b >= 0x80 || b == Esc) break;
                if (!multiByte && b is (byte)'\\' or 0x0D or 0x0A or 0x0C or 0x09 or (byte)'^' or (byte)'=') break;
                if (multiByte && b < 0x21) break; // controls and space are not part of a 94x94 set
                n++;
            }

            if (multiByte && n == 0 && rest.Length > 0 && rest[0] != Esc && rest[0] < 0x80)
            {
                // A control or delimiter inside multi-byte mode: handled by the caller as a reset point.
                return 0;
            }

            return n;
        }

        private void AppendG0(ReadOnlySpan<byte> run)
        {
            switch (_g0)
            {
                case G0.Ascii:
                    _text.Append(Encoding.ASCII.GetString(run));
                    break;
                case G0.JisRomaji:
                    foreach (byte b in run)
                        _text.Append(b switch { 0x5C => '\u00A5', 0x7E => '\u203E', _ => (char)b });
                    break;
                case G0.JisX0208:
                {
                    // 7-bit JIS X 0208 -> EUC-JP by setting the high bit of both bytes.
                    Span<byte> euc = run.Length <= 512 ? stackalloc byte[run.Length] : new byte[run.Length];
                    for (int k = 0; k < run.Length; k++) euc[k] = (byte)(run[k] | 0x80);
                    _text.Append(EucJp.GetString(euc));
                    break;
                }
                case G0.JisX0212:
                {
                    // 7-bit JIS X 0212 -> code page 20932, which holds it as (first | 0x80, second) pairs.
                    int pairs = run.Length / 2;
                    byte[] cp20932 = new byte[pairs * 2];
                    for (int k = 0; k < pairs; k++)
                    {
                        cp20932[2 * k] = (byte)(run[2 * k] | 0x80);
                        cp20932[2 * k + 1] = run[2 * k + 1];
                    }

                    _text.Append(EucJp.GetString(cp20932));
                    if ((run.Length & 1) == 1) _text.Append('\uFFFD');
                    break;
                }
            }
        }

        private void AppendG1(ReadOnlySpan<byte> run)
        {
            Encoding enc = _g1 switch
            {
                G1.None or G1.Latin1 => Latin1,
                G1.Latin2 => Encoding.GetEncoding(28592),
                G1.Latin3 => Encoding.GetEncoding(28593),
                G1.Latin4 => Encoding.GetEncoding(28594),
                G1.Cyrillic => Encoding.GetEncoding(28595),
                G1.Arabic => Encoding.GetEncoding(28596),
                G1.Greek => Encoding.GetEncoding(28597),
                G1.Hebrew => Encoding.GetEncoding(28598),
                G1.Latin5 => Encoding.GetEncoding(28599),
                G1.Thai => Encoding.GetEncoding(874),
                G1.JisKatakana => Encoding.GetEncoding(932),
                G1.KsX1001 => Encoding.GetEncoding(51949),
                G1.Gb2312 => Encoding.GetEncoding(936),
                _ => Latin1,
            };
            _text.Append(enc.GetString(run));
        }

        /// <summary>Code page 20932: EUC-JP for JIS X 0208 (both bytes high) and JIS X 0212 (high, low).</summary>
        private static Encoding EucJp => Encoding.GetEncoding(20932);

        /// <summary>Applies the escape sequence at the start of <paramref name="s"/>; returns the bytes consumed.</summary>
        private int Designate(ReadOnlySpan<byte> s)
        {
            static bool Is(ReadOnlySpan<byte> s, ReadOnlySpan<byte> seq) => s.StartsWith(seq);

            // PS3.3 Table C.12-3 (single-byte) and C.12-4 (multi-byte); bytes after ESC.
            if (Is(s, "\u001b(B"u8)) { _g0 = G0.Ascii; return 3; }
            if (Is(s, "\u001b(J"u8)) { _g0 = G0.JisRomaji; return 3; }
            if (Is(s, "\u001b)I"u8)) { _g1 = G1.JisKatakana; return 3; }
            if (Is(s, "\u001b$B"u8) || Is(s, "\u001b$@"u8)) { _g0 = G0.JisX0208; return 3; }
            if (Is(s, "\u001b$(D"u8)) { _g0 = G0.JisX0212; return 4; }
            if (Is(s, "\u001b$)C"u8)) { _g1 = G1.KsX1001; return 4; }
            if (Is(s, "\u001b$)A"u8)) { _g1 = G1.Gb2312; return 4; }
            if (s.Length >= 3 && s[1] == (byte)'-')
            {
                G1? g1 = s[2] switch
                {
                    (byte)'A' => G1.Latin1,
                    (byte)'B' => G1.Latin2,
                    (byte)'C' => G1.Latin3,
                    (byte)'D' => G1.Latin4,
                    (byte)'F' => G1.Greek,
                    (byte)'G' => G1.Arabic,
                    (byte)'H' => G1.Hebrew,
                    (byte)'L' => G1.Cyrillic,
                    (byte)'M' => G1.Latin5,
                    (byte)'T' => G1.Thai,
                    _ => null,
                };
                if (g1 is { } g)
                {
                    _g1 = g;
                    return 3;
                }
            }

            // Unknown escape: keep the ESC visible rather than guess.
            _text.Append('\u001b');
            return 1;
        }
    }
}
