using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>Parses upper-layer PDUs (PS3.8 §9.3) from buffered bytes. Pure: no I/O, no logging.</summary>
public static class PduReader
{
    /// <summary>Largest non-P-DATA PDU accepted (association negotiation); guards memory before association.</summary>
    public const uint MaxNegotiationPduLength = 1 << 20;

    /// <summary>
    /// Reads one PDU from the front of <paramref name="buffer"/>. Pure: no I/O.
    /// Returns false and leaves <paramref name="buffer"/> untouched when the PDU is incomplete; on success slices the PDU off the front.
    /// The type byte is checked as soon as it arrives and the PDU-length as soon as the 6-byte header has arrived,
    /// so a non-DICOM client or an absurd length is rejected without buffering the body.
    /// P-DATA-TF values are slices of <paramref name="buffer"/>; the other PDUs are fully materialised.
    /// </summary>
    /// <param name="maxPDataLength">The maximum P-DATA-TF PDU-length we advertised (PS3.8 D.1); 0 = no limit.</param>
    /// <exception cref="PduFormatException">
    /// Unknown PDU type (unrecognized-PDU); length over the applicable maximum, a length wrong for the PDU type,
    /// or a malformed body (invalid-PDU-parameter-value, unrecognized-/unexpected-PDU-parameter).
    /// </exception>
    public static bool TryReadPdu(ref ReadOnlySequence<byte> buffer, uint maxPDataLength, [NotNullWhen(true)] out Pdu? pdu)
    {
        pdu = null;
        if (buffer.IsEmpty)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[PduHeader.Length];
        int available = (int)Math.Min(buffer.Length, PduHeader.Length);
        buffer.Slice(0, available).CopyTo(header);

        byte typeByte = header[PduHeader.TypeOffset];
        if (typeByte is < (byte)PduType.AssociateRequest or > (byte)PduType.Abort)
        {
            throw new PduFormatException(AbortReason.UnrecognizedPdu, $"unrecognized PDU type 0x{typeByte:X2}");
        }

        if (available < PduHeader.Length)
        {
            return false;
        }

        var type = (PduType)typeByte;
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header[PduHeader.LengthOffset..]);
        CheckLength(type, length, maxPDataLength);

        long total = PduHeader.Length + (long)length;
        if (buffer.Length < total)
        {
            return false;
        }

        ReadOnlySequence<byte> whole = buffer.Slice(0, total);
        pdu = type == PduType.PData ? PDataTfPdu.Read(whole.Slice(PduHeader.Length)) : ReadNegotiationPdu(type, whole);
        buffer = buffer.Slice(total);
        return true;
    }

    /// <summary>
    /// PS3.8 §9.2.3, state Sta2 (transport open, no A-ASSOCIATE-RQ yet): true when the first byte of
    /// <paramref name="buffer"/> is a known PDU type other than A-ASSOCIATE-RQ and A-ABORT. Such a PDU is answered by
    /// action AA-1 (A-ABORT, source service user) as soon as its type byte arrives; its body is never buffered.
    /// An unknown type byte is left to <see cref="TryReadPdu"/>, which refuses it as unrecognized.
    /// </summary>
    public static bool IsUnexpectedBeforeAssociation(in ReadOnlySequence<byte> buffer, out PduType type)
    {
        type = default;
        if (buffer.IsEmpty)
        {
            return false;
        }

        Span<byte> first = stackalloc byte[1];
        buffer.Slice(0, 1).CopyTo(first);
        type = (PduType)first[0];
        return type is PduType.AssociateAccept or PduType.AssociateReject or PduType.PData or PduType.ReleaseRequest or PduType.ReleaseResponse;
    }

    private static void CheckLength(PduType type, uint length, uint maxPDataLength)
    {
        (uint min, uint max) = type switch
        {
            PduType.PData => (0u, maxPDataLength == 0 ? uint.MaxValue : maxPDataLength),
            PduType.AssociateRequest or PduType.AssociateAccept => (AssociatePduLayout.MinimumBodyLength, MaxNegotiationPduLength),
            PduType.AssociateReject => (AssociateRejectPdu.BodyLength, AssociateRejectPdu.BodyLength),
            PduType.ReleaseRequest => (ReleaseRequestPdu.BodyLength, ReleaseRequestPdu.BodyLength),
            PduType.ReleaseResponse => (ReleaseResponsePdu.BodyLength, ReleaseResponsePdu.BodyLength),
            PduType.Abort => (AbortPdu.BodyLength, AbortPdu.BodyLength),
            _ => throw new PduFormatException(AbortReason.UnrecognizedPdu, $"unrecognized PDU type {type}"),
        };

        if (length < min || length > max)
        {
            throw new PduFormatException(
                AbortReason.InvalidPduParameterValue,
                length > max ? $"{type} PDU-length {length} exceeds the maximum {max}" : $"{type} PDU-length {length} is less than {min}");
        }
    }

    /// <summary>Parses a PDU other than P-DATA-TF; its length has been checked against <see cref="MaxNegotiationPduLength"/>.</summary>
    private static Pdu ReadNegotiationPdu(PduType type, ReadOnlySequence<byte> whole)
    {
        if (whole.IsSingleSegment)
        {
            return ParseNegotiationPdu(type, whole.FirstSpan);
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent((int)whole.Length);
        try
        {
            whole.CopyTo(rented);
            return ParseNegotiationPdu(type, rented.AsSpan(0, (int)whole.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static Pdu ParseNegotiationPdu(PduType type, ReadOnlySpan<byte> pdu) => type switch
    {
        PduType.AssociateRequest => AssociateRequestPdu.Read(pdu),
        PduType.AssociateAccept => AssociateAcceptPdu.Read(pdu),
        PduType.AssociateReject => AssociateRejectPdu.Read(pdu),
        PduType.ReleaseRequest => ReleaseRequestPdu.Instance,
        PduType.ReleaseResponse => ReleaseResponsePdu.Instance,
        PduType.Abort => AbortPdu.Read(pdu),
        _ => throw new PduFormatException(AbortReason.UnrecognizedPdu, $"unrecognized PDU type {type}"),
    };
}
