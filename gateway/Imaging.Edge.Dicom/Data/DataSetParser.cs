using System.Buffers.Binary;

namespace Imaging.Edge.Dicom.Data;

/// <summary>
/// The push state machine behind <see cref="DataSetScanner"/> for an uncompressed data set (PS3.5 §7).
/// It walks the whole data set element by element — values it does not want are skipped by their length, so a
/// gigabyte of pixel data costs a few header reads — which is how a data set cut short anywhere is recognised.
/// Memory: a 12-byte header buffer, the values of the wanted top-level attributes (each at most
/// <see cref="MaxWantedValueLength"/>) and a stack of at most <see cref="MaxSequenceDepth"/> open
/// undefined-length sequences and items. Defined-length sequences and items are skipped by their length
/// without looking inside; only undefined-length ones are walked to find their delimiters.
/// </summary>
internal sealed class DataSetParser
{
    public const int MaxWantedValueLength = 64 * 1024;
    public const int MaxSequenceDepth = 64;
    private const uint UndefinedLength = 0xFFFF_FFFF;

    private enum State { Header, Value, Skip }

    private enum ContextKind { Sequence, Item, Fragments }

    private readonly record struct Context(ContextKind Kind, bool ExplicitVr, bool BigEndian);

    private readonly bool _explicitVr;
    private readonly bool _bigEndian;
    private readonly List<Context> _contexts = [];
    private readonly byte[] _header = new byte[12];
    private readonly Dictionary<DicomTag, byte[]> _values = [];
    private int _sequenceDepth;
    private int _headerLength;
    private int _headerNeeded = 8;
    private long _skipRemaining;
    private byte[] _value = [];
    private int _valueLength;
    private DicomTag _valueTag;
    private State _state = State.Header;
    private long _position;
    private bool _attributesDone;

    public DataSetParser(bool explicitVr, bool bigEndian)
    {
        _explicitVr = explicitVr;
        _bigEndian = bigEndian;
    }

    /// <summary>True once every wanted attribute has passed (the first top-level tag after (0020,000E) was read).</summary>
    public bool IsDone => _attributesDone;

    /// <summary>Bytes consumed so far (offset in the data set, after inflation for deflated syntaxes).</summary>
    public long Position => _position;

    /// <summary>True when the bytes so far end exactly between two top-level elements.</summary>
    public bool IsAtTopLevelBoundary => _state == State.Header && _headerLength == 0 && _contexts.Count == 0;

    public IReadOnlyDictionary<DicomTag, byte[]> Values => _values;

    private static bool IsWanted(DicomTag tag) => tag.Value switch
    {
        0x0008_0005 or 0x0008_0016 or 0x0008_0018 or 0x0008_0020 or 0x0008_0030 or 0x0008_0050 or 0x0008_0060
            or 0x0010_0010 or 0x0010_0020 or 0x0010_0021 or 0x0010_0030 or 0x0020_000D or 0x0020_000E => true,
        _ => false,
    };

    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            switch (_state)
            {
                case State.Header:
                {
                    int take = Math.Min(_headerNeeded - _headerLength, data.Length);
                    data[..take].CopyTo(_header.AsSpan(_headerLength));
                    _headerLength += take;
                    _position += take;
                    data = data[take..];
                    if (_headerLength == _headerNeeded) OnHeader();
                    break;
                }
                case State.Skip:
                {
                    int take = (int)Math.Min(_skipRemaining, data.Length);
                    _skipRemaining -= take;
                    _position += take;
                    data = data[take..];
                    if (_skipRemaining == 0) NextHeader();
                    break;
                }
                case State.Value:
                {
                    int take = Math.Min(_value.Length - _valueLength, data.Length);
                    data[..take].CopyTo(_value.AsSpan(_valueLength));
                    _valueLength += take;
                    _position += take;
                    data = data[take..];
                    if (_valueLength == _value.Length)
                    {
                        _values[_valueTag] = _value;
                        _value = [];
                        NextHeader();
                    }

                    break;
                }
            }
        }
    }

    private void NextHeader()
    {
        _state = State.Header;
        _headerLength = 0;
        _headerNeeded = 8;
    }

    private void Skip(uint length)
    {
        if (length == 0)
        {
            NextHeader();
            return;
        }

        _state = State.Skip;
        _skipRemaining = length;
    }

    private void OnHeader()
    {
        Context? top = _contexts.Count == 0 ? null : _contexts[^1];
        bool explicitVr = top?.ExplicitVr ?? _explicitVr;
        bool bigEndian = top?.BigEndian ?? _bigEndian;
        ReadOnlySpan<byte> h = _header;
        ushort group = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(h) : BinaryPrimitives.ReadUInt16LittleEndian(h);
        ushort element = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(h[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(h[2..]);
        var tag = new DicomTag(group, element);

        if (top is null && tag > DicomTag.SeriesInstanceUid)
            _attributesDone = true; // everything wanted has passed; the rest is only walked

        if (group == 0xFFFE)
        {
            uint itemLength = ReadUInt32(h[4..], bigEndian);
            OnDelimiterOrItem(tag, itemLength, top);
            return;
        }

        if (top is { Kind: not ContextKind.Item })
            throw Malformed($"element {tag} where only items may appear");

        byte vr0 = 0, vr1 = 0;
        uint length;
        if (explicitVr)
        {
            vr0 = h[4];
            vr1 = h[5];
            if (!ValueRepresentations.IsKnown(vr0, vr1))
                throw Malformed($"invalid VR 0x{vr0:X2}{vr1:X2} for {tag} in explicit VR syntax");
            if (ValueRepresentations.HasLongLength(vr0, vr1))
            {
                if (_headerNeeded == 8)
                {
                    _headerNeeded = 12;
                    return;
                }

                length = ReadUInt32(h[8..], bigEndian);
            }
            else
            {
                length = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(h[6..]) : BinaryPrimitives.ReadUInt16LittleEndian(h[6..]);
            }
        }
        else
        {
            length = ReadUInt32(h[4..], bigEndian);
        }

        if (length == UndefinedLength)
        {
            // PS3.5 §7.5: SQ; UN with undefined length holds an implicit VR little endian SQ (§6.2.2);
            // other VRs (OB/OW pixel data) hold encapsulated fragments (§A.4).
            if (explicitVr)
            {
                if (ValueRepresentations.IsSequence(vr0, vr1)) Push(new Context(ContextKind.Sequence, explicitVr, bigEndian), tag);
                else if (ValueRepresentations.IsUnknown(vr0, vr1)) Push(new Context(ContextKind.Sequence, ExplicitVr: false, BigEndian: false), tag);
                else Push(new Context(ContextKind.Fragments, explicitVr, bigEndian), tag);
            }
            else
            {
                Push(new Context(tag == DicomTag.PixelData ? ContextKind.Fragments : ContextKind.Sequence, explicitVr, bigEndian), tag);
            }

            NextHeader();
            return;
        }

        if (top is null && !_attributesDone && IsWanted(tag) && length <= MaxWantedValueLength)
        {
            if (length == 0)
            {
                _values[tag] = [];
                NextHeader();
                return;
            }

            _value = new byte[length];
            _valueLength = 0;
            _valueTag = tag;
            _state = State.Value;
            return;
        }

        Skip(length);
    }

    private void OnDelimiterOrItem(DicomTag tag, uint length, Context? top)
    {
        switch (tag.Element)
        {
            case 0xE000 when top is { Kind: ContextKind.Sequence }:
                if (length == UndefinedLength)
                {
                    _contexts.Add(top.Value with { Kind = ContextKind.Item });
                    NextHeader();
                }
                else
                {
                    Skip(length);
                }

                return;
            case 0xE000 when top is { Kind: ContextKind.Fragments }:
                if (length == UndefinedLength) throw Malformed("encapsulated fragment with undefined length");
                Skip(length);
                return;
            case 0xE00D when top is { Kind: ContextKind.Item }:
                _contexts.RemoveAt(_contexts.Count - 1);
                Skip(length == UndefinedLength ? 0 : length);
                return;
            case 0xE0DD when top is { Kind: ContextKind.Sequence or ContextKind.Fragments }:
                _contexts.RemoveAt(_contexts.Count - 1);
                _sequenceDepth--;
                Skip(length == UndefinedLength ? 0 : length);
                return;
            default:
                throw Malformed($"unexpected {tag} inside {(top is null ? "the data set" : top.Value.Kind.ToString().ToLowerInvariant())}");
        }
    }

    private void Push(Context context, DicomTag tag)
    {
        if (++_sequenceDepth > MaxSequenceDepth)
            throw Malformed($"sequences nested deeper than {MaxSequenceDepth} at {tag}");
        _contexts.Add(context);
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    private DicomFormatException Malformed(string reason) =>
        new($"Malformed data set at byte {_position - _headerLength}: {reason}");

    /// <summary>Throws unless the data seen so far ends cleanly; the message says where it stopped.</summary>
    public void EnsureComplete()
    {
        if (IsAtTopLevelBoundary) return;
        string where = _state switch
        {
            State.Header when _headerLength > 0 => "in an element header",
            State.Value or State.Skip => "in an element value",
            _ => $"inside {_sequenceDepth} open sequence(s)",
        };
        throw new DicomFormatException($"Data set truncated at byte {_position}: it ended {where}");
    }
}
