using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Imaging.Edge.Dicom.Data.Writing;

/// <summary>
/// Builds a data set in explicit VR little endian (PS3.5 §7.1.2, transfer syntax 1.2.840.10008.1.2.1) in memory.
/// <para>
/// Elements come out in ascending tag order whatever the order they were added in (PS3.5 §7.1: "sorted by
/// increasing tag"); adding a tag twice throws. Values are padded to even length as their VR requires (UI with NUL,
/// other text with a space, binary with 0x00). Sequences and their items are written with explicit lengths, which
/// are computed from the nested writers before a byte is written, so the result needs no second pass.
/// </para>
/// <para>
/// Text is encoded as UTF-8: a data set holding characters beyond ASCII must declare Specific Character Set
/// (0008,0005) <c>ISO_IR 192</c>; the VRs that may not carry them (CS, DA, UI …) refuse them. Invalid values
/// (too long for the VR, a control character, a malformed UID) throw <see cref="ArgumentException"/>, never a
/// silently broken data set. Not thread-safe.
/// </para>
/// </summary>
public sealed class DataSetWriter
{
    private const int ShortLengthMax = 0xFFFE;
    private const long LongLengthMax = 0xFFFF_FFFE;

    private readonly SortedList<uint, Element> _elements = [];

    private sealed record Element(DicomTag Tag, DicomVr Vr, byte[] Value, IReadOnlyList<DataSetWriter>? Items);

    private bool _extendedCharacters;

    /// <summary>
    /// True when a text value here or in a nested item holds a character beyond ASCII: the data set then needs
    /// Specific Character Set (0008,0005) <c>ISO_IR 192</c>; without one it is in the default repertoire.
    /// </summary>
    public bool UsesExtendedCharacters =>
        _extendedCharacters || _elements.Values.Any(e => e.Items is { } items && items.Any(i => i.UsesExtendedCharacters));

    /// <summary>The number of elements at this level.</summary>
    public int Count => _elements.Count;

    /// <summary>The encoded length in bytes of this data set (or item content), nested sequences included.</summary>
    public long Length => _elements.Values.Sum(ElementLength);

    /// <summary>Adds a value as bytes, padded with 0x00 (binary VRs) or the VR's text padding to even length.</summary>
    public DataSetWriter Add(DicomTag tag, DicomVr vr, ReadOnlySpan<byte> value)
    {
        if (vr == DicomVr.SQ)
            throw new ArgumentException($"{tag}: a sequence is added with {nameof(AddSequence)}", nameof(vr));
        byte[] padded = new byte[value.Length + (value.Length & 1)];
        value.CopyTo(padded);
        if ((value.Length & 1) == 1)
            padded[^1] = vr.IsText() && vr != DicomVr.UI ? (byte)' ' : (byte)0;
        return Put(new Element(tag, vr, padded, null));
    }

    /// <summary>
    /// Adds a character string of a text VR. A backslash separates values, except in LT, ST, UT and UR; each value is
    /// checked against its VR's maximum length and character repertoire. An empty string is an empty (type 2) value.
    /// </summary>
    public DataSetWriter AddString(DicomTag tag, DicomVr vr, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!vr.IsText())
            throw new ArgumentException($"{tag}: {vr} is not a character string VR", nameof(vr));
        string[] values = vr.IsSingleValued() ? [value] : value.Split('\\');
        foreach (string single in values)
            CheckValue(tag, vr, single);
        _extendedCharacters |= !Ascii.IsValid(value);
        return Add(tag, vr, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Adds a UID (UI): digits and dots, components without leading zeros, at most 64 characters.</summary>
    public DataSetWriter AddUid(DicomTag tag, string uid) => AddString(tag, DicomVr.UI, uid);

    /// <summary>Adds a Code String (CS): upper-case letters, digits, space and underscore, at most 16 characters.</summary>
    public DataSetWriter AddCodeString(DicomTag tag, string value) => AddString(tag, DicomVr.CS, value);

    /// <summary>Adds a date (DA, <c>YYYYMMDD</c>).</summary>
    public DataSetWriter AddDate(DicomTag tag, DateOnly date) =>
        AddString(tag, DicomVr.DA, date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));

    /// <summary>Adds a time (TM, <c>HHMMSS</c>; fractions of a second are left out).</summary>
    public DataSetWriter AddTime(DicomTag tag, TimeOnly time) =>
        AddString(tag, DicomVr.TM, time.ToString("HHmmss", CultureInfo.InvariantCulture));

    /// <summary>Adds a date-time (DT, <c>YYYYMMDDHHMMSS</c>, no offset: local time of the source).</summary>
    public DataSetWriter AddDateTime(DicomTag tag, DateTime dateTime) =>
        AddString(tag, DicomVr.DT, dateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));

    /// <summary>Adds a decimal string (DS) from a number; throws when its shortest invariant form exceeds 16 characters.</summary>
    public DataSetWriter AddDecimal(DicomTag tag, decimal value) =>
        AddString(tag, DicomVr.DS, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds an integer string (IS, −2³¹ … 2³¹−1).</summary>
    public DataSetWriter AddInteger(DicomTag tag, int value) =>
        AddString(tag, DicomVr.IS, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds an unsigned short (US, two bytes little endian).</summary>
    public DataSetWriter AddUnsignedShort(DicomTag tag, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return Add(tag, DicomVr.US, bytes);
    }

    /// <summary>Adds a floating point double (FD, eight bytes IEEE 754 little endian).</summary>
    public DataSetWriter AddDouble(DicomTag tag, double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        return Add(tag, DicomVr.FD, bytes);
    }

    /// <summary>Adds a floating point single (FL, four bytes IEEE 754 little endian).</summary>
    public DataSetWriter AddFloat(DicomTag tag, float value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        return Add(tag, DicomVr.FL, bytes);
    }

    /// <summary>Adds a sequence (SQ) of the given items, each written as an item of explicit length. No items: an empty sequence (type 2).</summary>
    public DataSetWriter AddSequence(DicomTag tag, IEnumerable<DataSetWriter> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        List<DataSetWriter> list = [.. items];
        if (list.Any(item => item is null))
            throw new ArgumentException($"{tag}: a sequence item is null", nameof(items));
        return Put(new Element(tag, DicomVr.SQ, [], list));
    }

    /// <summary>Adds a code sequence: one item per code (Code Value, Coding Scheme Designator, Code Meaning).</summary>
    public DataSetWriter AddCodeSequence(DicomTag tag, params IEnumerable<DicomCode> codes) =>
        AddSequence(tag, codes.Select(CodeItem));

    /// <summary>The item of a code sequence (PS3.3 Table 8.8-1): a value over 16 characters goes to Long Code Value (0008,0119).</summary>
    public static DataSetWriter CodeItem(DicomCode code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var item = new DataSetWriter();
        if (code.Value.Length <= 16)
            item.AddString(CodeTags.CodeValue, DicomVr.SH, code.Value);
        else
            item.AddString(CodeTags.LongCodeValue, DicomVr.UC, code.Value);
        return item
            .AddString(CodeTags.CodingSchemeDesignator, DicomVr.SH, code.Scheme)
            .AddString(CodeTags.CodeMeaning, DicomVr.LO, code.Meaning);
    }

    /// <summary>The whole data set, elements in ascending tag order.</summary>
    public byte[] ToArray()
    {
        long length = Length;
        if (length > Array.MaxLength)
            throw new InvalidOperationException($"The data set is {length} bytes, more than one array holds");
        byte[] bytes = new byte[length];
        int written = WriteTo(bytes);
        System.Diagnostics.Debug.Assert(written == bytes.Length);
        return bytes;
    }

    private DataSetWriter Put(Element element)
    {
        DicomTag tag = element.Tag;
        if (tag.Group == 0x0002 || tag.Group == 0xFFFE)
            throw new ArgumentException($"{tag}: file meta and item tags are not data set elements", nameof(element));
        if (!_elements.TryAdd(tag.Value, element))
            throw new ArgumentException($"{tag} is already in this data set", nameof(element));
        if (!element.Vr.HasLongLength() && element.Value.Length > ShortLengthMax)
            throw new ArgumentException($"{tag}: {element.Value.Length} bytes do not fit the 16-bit length of {element.Vr}", nameof(element));
        return this;
    }

    private static long ElementLength(Element element) =>
        (element.Vr.HasLongLength() ? 12 : 8) + ValueLength(element);

    private static long ValueLength(Element element) =>
        element.Items is null ? element.Value.Length : element.Items.Sum(item => 8 + item.Length);

    private int WriteTo(Span<byte> destination)
    {
        int offset = 0;
        foreach (Element element in _elements.Values)
        {
            Span<byte> head = destination[offset..];
            BinaryPrimitives.WriteUInt16LittleEndian(head, element.Tag.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(head[2..], element.Tag.Element);
            (head[4], head[5]) = element.Vr.Code();
            long valueLength = ValueLength(element);
            if (valueLength > LongLengthMax)
                throw new InvalidOperationException($"{element.Tag}: {valueLength} bytes exceed a 32-bit length");
            if (element.Vr.HasLongLength())
            {
                head[6] = head[7] = 0;
                BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)valueLength);
                offset += 12;
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(head[6..], (ushort)valueLength);
                offset += 8;
            }

            if (element.Items is null)
            {
                element.Value.CopyTo(destination[offset..]);
                offset += element.Value.Length;
                continue;
            }

            foreach (DataSetWriter item in element.Items)
            {
                // PS3.5 §7.5.1: item tag (FFFE,E000) and the item's explicit length, no VR.
                Span<byte> itemHead = destination[offset..];
                BinaryPrimitives.WriteUInt16LittleEndian(itemHead, DicomTag.Item.Group);
                BinaryPrimitives.WriteUInt16LittleEndian(itemHead[2..], DicomTag.Item.Element);
                BinaryPrimitives.WriteUInt32LittleEndian(itemHead[4..], (uint)item.Length);
                offset += 8;
                offset += item.WriteTo(destination[offset..]);
            }
        }

        return offset;
    }

    private static void CheckValue(DicomTag tag, DicomVr vr, string value)
    {
        if (vr.MaxCharacters() is int max && value.Length > max)
            throw new ArgumentException($"{tag}: a {vr} value is at most {max} characters, not {value.Length}", nameof(value));
        foreach (char c in value)
        {
            bool allowed = c switch
            {
                '\r' or '\n' or '\f' or '\t' => vr is DicomVr.LT or DicomVr.ST or DicomVr.UT,
                < ' ' or '\u007F' => false,
                > '\u007F' => vr.AllowsExtendedCharacters(),
                _ => true,
            };
            if (!allowed)
                throw new ArgumentException($"{tag}: character U+{(int)c:X4} is not allowed in {vr}", nameof(value));
        }

        bool valid = vr switch
        {
            DicomVr.CS => value.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or ' ' or '_'),
            DicomVr.UI => value.Length == 0 || UidGenerator.IsValid(value),
            DicomVr.DA => value.Length is 0 or 8 && value.All(char.IsAsciiDigit),
            DicomVr.TM => value.All(c => char.IsAsciiDigit(c) || c == '.'),
            DicomVr.DT => value.All(c => char.IsAsciiDigit(c) || c is '.' or '+' or '-'),
            DicomVr.DS => value.Length == 0 || IsDecimalString(value),
            DicomVr.IS => value.Length == 0 || int.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out _),
            _ => true,
        };
        if (!valid)
            throw new ArgumentException($"{tag}: the value is not a valid {vr}", nameof(value));
    }

    /// <summary>
    /// True for a Decimal String value (PS3.5 Table 6.2-1): an optional sign, digits with an optional point, an
    /// optional exponent, leading/trailing spaces allowed, at most 16 characters.
    /// </summary>
    public static bool IsDecimalString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > 16)
            return false;
        ReadOnlySpan<char> s = value.AsSpan().Trim(' ');
        int i = 0;
        if (i < s.Length && s[i] is '+' or '-') i++;
        int digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        }

        if (digits == 0)
            return false;
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            int exponentDigits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; exponentDigits++; }
            if (exponentDigits == 0)
                return false;
        }

        return i == s.Length;
    }
}
