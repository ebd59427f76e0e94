using System.Buffers.Binary;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// Reads the variable part of an A-ASSOCIATE-RQ/AC: items and sub-items with a 4-byte header
/// (item-type, reserved, 16-bit big-endian item-length; PS3.8 §9.3.2.1 ff., Annex D) and the
/// fixed/length-prefixed fields inside them. Every length is checked against the bytes of the
/// enclosing PDU or item; a violation throws <see cref="PduFormatException"/> (invalid-PDU-parameter-value).
/// </summary>
internal ref struct ItemReader
{
    public const int ItemHeaderLength = 4;
    private const int ItemLengthOffset = 2;

    private readonly ReadOnlySpan<byte> _span;
    private readonly string _context;
    private int _position;

    /// <param name="span">The bytes of the enclosing PDU part or item body.</param>
    /// <param name="context">Named in error messages, e.g. "user-information item".</param>
    public ItemReader(ReadOnlySpan<byte> span, string context)
    {
        _span = span;
        _context = context;
        _position = 0;
    }

    public readonly int Remaining => _span.Length - _position;

    /// <summary>Reads the next item; false when no bytes are left.</summary>
    public bool TryReadItem(out byte itemType, out ReadOnlySpan<byte> body)
    {
        if (Remaining == 0)
        {
            itemType = 0;
            body = default;
            return false;
        }

        if (Remaining < ItemHeaderLength)
        {
            throw Invalid($"truncated item header in the {_context}");
        }

        itemType = _span[_position];
        int length = BinaryPrimitives.ReadUInt16BigEndian(_span[(_position + ItemLengthOffset)..]);
        if (length > Remaining - ItemHeaderLength)
        {
            throw Invalid($"item 0x{itemType:X2} claims {length} bytes but its {_context} has {Remaining - ItemHeaderLength} left");
        }

        body = _span.Slice(_position + ItemHeaderLength, length);
        _position += ItemHeaderLength + length;
        return true;
    }

    public byte ReadByte() => ReadBytes(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(ReadBytes(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4));

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > Remaining)
        {
            throw Invalid($"the {_context} is truncated: {count} bytes needed, {Remaining} left");
        }

        ReadOnlySpan<byte> bytes = _span.Slice(_position, count);
        _position += count;
        return bytes;
    }

    /// <summary>Reads a field preceded by its 16-bit big-endian length.</summary>
    public ReadOnlySpan<byte> ReadLengthPrefixed16() => ReadBytes(ReadUInt16());

    public ReadOnlySpan<byte> ReadRest() => ReadBytes(Remaining);

    public void Skip(int count) => ReadBytes(count);

    public static PduFormatException Invalid(string message) => new(AbortReason.InvalidPduParameterValue, message);

    public static PduFormatException Unrecognized(byte itemType, string context) =>
        new(AbortReason.UnrecognizedPduParameter, $"unrecognized item type 0x{itemType:X2} in the {context}");

    public static PduFormatException Unexpected(string message) => new(AbortReason.UnexpectedPduParameter, message);
}
