using System.Buffers;

namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>Encodes upper-layer PDUs (PS3.8 §9.3). Big-endian, AE titles space-padded, UIDs unpadded.</summary>
public static class PduWriter
{
    /// <summary>Writes one PDU to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">A field cannot be encoded: an AE title empty or over 16 characters, non-ASCII text, an item over 65535 bytes.</exception>
    public static void Write(IBufferWriter<byte> output, Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(pdu);
        switch (pdu)
        {
            case PDataTfPdu data:
                PDataTfPdu.Write(output, data);
                break;
            case AssociateRequestPdu request:
                WriteBuilt(output, builder => AssociateRequestPdu.Write(builder, request));
                break;
            case AssociateAcceptPdu accept:
                WriteBuilt(output, builder => AssociateAcceptPdu.Write(builder, accept));
                break;
            case AssociateRejectPdu reject:
                AssociateRejectPdu.Write(output, reject);
                break;
            case ReleaseRequestPdu:
                ReleaseRequestPdu.Write(output);
                break;
            case ReleaseResponsePdu:
                ReleaseResponsePdu.Write(output);
                break;
            case AbortPdu abort:
                AbortPdu.Write(output, abort);
                break;
            default:
                throw new ArgumentException($"Unknown PDU {pdu.GetType().Name}.", nameof(pdu));
        }
    }

    /// <summary>Fast path for senders: writes one P-DATA-TF with a single PDV header and the given data, no intermediate list.</summary>
    public static void WritePData(IBufferWriter<byte> output, byte presentationContextId, bool isCommand, bool isLast, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(output);
        PDataTfPdu.WriteSingle(output, presentationContextId, isCommand, isLast, data);
    }

    /// <summary>Association PDUs are built whole first (nothing reaches <paramref name="output"/> if a field is invalid).</summary>
    private static void WriteBuilt(IBufferWriter<byte> output, Action<PduBuilder> build)
    {
        var builder = new PduBuilder();
        build(builder);
        builder.CopyTo(output);
    }
}
