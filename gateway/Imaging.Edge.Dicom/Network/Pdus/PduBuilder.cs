using System.Buffers;
using System.Buffers.Binary;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// Builds an association PDU in a growable buffer so that item lengths can be filled in after their
/// content is written, then copies it to the output. Used only for the small negotiation PDUs;
/// P-DATA-TF is written straight to the output.
/// </summary>
internal sealed class PduBuilder
{
    private byte[] _buffer = new byte[512];
    private int _length;

    public Span<byte> Append(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        Span<byte> span = _buffer.AsSpan(_length, count);
        span.Clear();
        _length += count;
        return span;
    }

    public void WriteByte(byte value) => Append(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Append(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Append(4), value);

    public void WriteZeros(int count) => Append(count);

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Append(bytes.Length));

    /// <summary>Writes a 16-bit length followed by the bytes.</summary>
    public void WriteLengthPrefixed16(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"The {what} is {bytes.Length} bytes; at most {ushort.MaxValue} fit.");
        }

        WriteUInt16((ushort)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>Writes an item header (type, reserved byte, length placeholder) and returns the placeholder's position.</summary>
    public int BeginItem(byte itemType, byte secondByte = 0)
    {
        WriteByte(itemType);
        WriteByte(secondByte);
        return BeginLength16();
    }

    /// <summary>Writes a 16-bit length placeholder and returns its position; complete it with <see cref="EndItem"/>.</summary>
    public int BeginLength16()
    {
        int at = _length;
        Append(2);
        return at;
    }

    /// <summary>Fills in the 16-bit length of the item begun at <paramref name="lengthPosition"/>.</summary>
    public void EndItem(int lengthPosition, string what)
    {
        int length = _length - lengthPosition - 2;
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"The {what} is {length} bytes; an item holds at most {ushort.MaxValue}.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(lengthPosition), (ushort)length);
    }

    /// <summary>Fills in the PDU-length field of a PDU whose header starts at offset 0.</summary>
    public void EndPdu()
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(PduHeader.LengthOffset), (uint)(_length - PduHeader.Length));
    }

    public void CopyTo(IBufferWriter<byte> output) => output.Write(_buffer.AsSpan(0, _length));
}
