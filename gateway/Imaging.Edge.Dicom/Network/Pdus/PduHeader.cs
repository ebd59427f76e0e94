using System.Buffers;
using System.Buffers.Binary;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// The 6-byte header common to every PDU (PS3.8 §9.3.1):
///   0 PDU-type | 1 reserved (sent as 00H, not tested) | 2-5 PDU-length, unsigned 32-bit big-endian,
///   the number of bytes that follow the header.
/// </summary>
internal static class PduHeader
{
    public const int Length = 6;
    public const int TypeOffset = 0;
    public const int LengthOffset = 2;

    public static void Write(Span<byte> span, PduType type, uint bodyLength)
    {
        span[TypeOffset] = (byte)type;
        span[TypeOffset + 1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[LengthOffset..], bodyLength);
    }

    /// <summary>Writes a PDU whose body is only reserved (zero) bytes (A-RELEASE-RQ/RP).</summary>
    public static void WriteEmpty(IBufferWriter<byte> output, PduType type, uint bodyLength)
    {
        int total = Length + (int)bodyLength;
        Span<byte> span = output.GetSpan(total)[..total];
        span.Clear();
        Write(span, type, bodyLength);
        output.Advance(total);
    }
}
